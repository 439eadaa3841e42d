// Reads JSON that is still being written: whatever is complete so far, so a recipe can be shown
// while the model writes it. An open string, array or object counts up to where the text stops;
// a key without its value, and a number or literal that may still grow, are left out.

const MISSING = Symbol('missing');
type Parsed = unknown | typeof MISSING;

/**
 * The value written so far, or undefined when nothing readable has arrived yet or the text is
 * not JSON at all. Text before the first `{` or `[` (a Markdown fence, a greeting) is skipped.
 */
export function parsePartialJson(text: string): unknown {
  const start = text.search(/[{[]/);
  if (start < 0) return undefined;
  const reader = new PartialReader(text.slice(start));
  try {
    const value = reader.value();
    return value === MISSING ? undefined : value;
  } catch {
    return undefined;
  }
}

class PartialReader {
  private at = 0;

  constructor(private readonly text: string) {}

  value(): Parsed {
    this.skipSpace();
    if (this.isAtEnd()) return MISSING;
    const char = this.text[this.at];
    if (char === '{') return this.object();
    if (char === '[') return this.array();
    if (char === '"') return this.string().value;
    if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) return this.number();
    return this.literal();
  }

  private object(): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    this.at++;
    for (;;) {
      this.skipSpace();
      if (this.isAtEnd()) return result;
      if (this.text[this.at] === '}') {
        this.at++;
        return result;
      }
      if (this.text[this.at] === ',') {
        this.at++;
        continue;
      }
      if (this.text[this.at] !== '"') throw new SyntaxError(`unexpected ${this.text[this.at]}`);
      const key = this.string();
      if (!key.isComplete) return result;
      this.skipSpace();
      if (this.isAtEnd()) return result;
      if (this.text[this.at] !== ':') throw new SyntaxError('expected :');
      this.at++;
      const value = this.value();
      if (value === MISSING) return result;
      result[key.value] = value;
    }
  }

  private array(): unknown[] {
    const result: unknown[] = [];
    this.at++;
    for (;;) {
      this.skipSpace();
      if (this.isAtEnd()) return result;
      if (this.text[this.at] === ']') {
        this.at++;
        return result;
      }
      if (this.text[this.at] === ',') {
        this.at++;
        continue;
      }
      const value = this.value();
      if (value === MISSING) return result;
      result.push(value);
    }
  }

  /** A string, open or closed; an escape cut in half at the end is left out. */
  private string(): { value: string; isComplete: boolean } {
    this.at++;
    let value = '';
    while (!this.isAtEnd()) {
      const char = this.text[this.at] as string;
      if (char === '"') {
        this.at++;
        return { value, isComplete: true };
      }
      if (char !== '\\') {
        value += char;
        this.at++;
        continue;
      }
      const escaped = this.text[this.at + 1];
      if (escaped === undefined) break;
      if (escaped === 'u') {
        const hex = this.text.slice(this.at + 2, this.at + 6);
        if (hex.length < 4) break;
        value += String.fromCharCode(Number.parseInt(hex, 16));
        this.at += 6;
        continue;
      }
      value += ESCAPES[escaped] ?? escaped;
      this.at += 2;
    }
    this.at = this.text.length;
    return { value, isComplete: false };
  }

  /** A number is only taken once something follows it: "20" may still become "200". */
  private number(): Parsed {
    const match = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.text.slice(this.at));
    if (!match) throw new SyntaxError('bad number');
    this.at += match[0].length;
    if (this.isAtEnd()) return MISSING;
    return Number(match[0]);
  }

  private literal(): Parsed {
    for (const [word, value] of LITERALS) {
      const rest = this.text.slice(this.at, this.at + word.length);
      if (rest === word) {
        this.at += word.length;
        return value;
      }
      if (word.startsWith(rest) && this.at + rest.length === this.text.length) {
        this.at = this.text.length;
        return MISSING;
      }
    }
    throw new SyntaxError(`unexpected ${this.text[this.at]}`);
  }

  private skipSpace() {
    while (!this.isAtEnd() && /\s/.test(this.text[this.at] as string)) this.at++;
  }

  private isAtEnd() {
    return this.at >= this.text.length;
  }
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' };
const LITERALS: ReadonlyArray<readonly [string, unknown]> = [
  ['true', true],
  ['false', false],
  ['null', null],
];
