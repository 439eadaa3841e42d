// Command-line counts such as `--runs 5`, validated as whole numbers of at least 1.
import { parseArgs } from 'node:util';

export function parseCounts<Name extends string>(
  argv: readonly string[],
  defaults: Record<Name, number>,
): Record<Name, number> {
  const names = Object.keys(defaults) as Name[];
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: Object.fromEntries(names.map((name) => [name, { type: 'string' as const }])),
  });
  const counts = { ...defaults };
  for (const name of names) {
    const raw = values[name];
    if (raw === undefined) continue;
    if (typeof raw !== 'string' || !/^[1-9]\d*$/.test(raw))
      throw new Error(`--${name} must be a whole number of at least 1 (got "${String(raw)}")`);
    counts[name] = Number(raw);
  }
  return counts;
}
