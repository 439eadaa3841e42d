// One clock (src/platform/clock.ts): the product reads the time only through the Clock it was
// built with, so tests can move it and nothing depends on the day the suite runs.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTestClock } from '../src/platform/clock.ts';

const SRC = path.resolve('src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

const offences = (pattern: RegExp, except: string[] = []) =>
  sourceFiles(SRC)
    .filter((file) => !except.includes(path.relative(SRC, file)))
    .flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) =>
          pattern.test(line) && !line.trim().startsWith('//') && !line.trim().startsWith('*')
            ? [`${path.relative(SRC, file)}:${i + 1}: ${line.trim()}`]
            : [],
        ),
    );

describe('the clock', () => {
  it('is the only way the product reads the time: no Date.now() or new Date() in src', () => {
    expect(offences(/Date\.now\(\)|new Date\(\)/, ['platform/clock.ts'])).toEqual([]);
  });

  it("decides nothing by the database server's time: no comparison with SQL now()", () => {
    // Rows' own stamps (DEFAULT now(), `revoked_at = now()`) are the database's; a rule that
    // compares times (expiry, windows, "today") takes the clock's time as a parameter.
    expect(
      offences(/[<>]=?\s*now\(\)|(?<![.\w])now\(\)\s*[-+<>]|CURRENT_DATE|now\(\)\s+AT TIME ZONE/i),
    ).toEqual([]);
  });

  it('a test clock ticks from where it was set and moves when told', () => {
    const clock = createTestClock('2026-10-31T18:00:00Z');
    expect(Math.abs(clock.nowMs() - Date.parse('2026-10-31T18:00:00Z'))).toBeLessThan(1_000);
    clock.advance(86_400_000);
    expect(clock.now().toISOString().slice(0, 10)).toBe('2026-11-01');
    clock.set('2027-01-01T00:00:00Z');
    expect(clock.now().getUTCFullYear()).toBe(2027);
  });
});
