// bench:api's command line: --seconds N, --rows N, --profile [--keep-profiles].
import { parseArgs } from 'node:util';

export interface ApiOptions {
  /** Measured seconds per target (after the warm-up). */
  seconds: number;
  /** Rows of the user's own in each list (other users' rows come on top, see seed.ts). */
  rows: number;
  /** Profile each app and its baseline, explain the queries, instead of the comparison. */
  profile: boolean;
  /** With --profile: keep the .cpuprofile files (Chrome DevTools opens them). */
  keepProfiles: boolean;
}

export function parseApiOptions(argv: readonly string[]): ApiOptions {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      seconds: { type: 'string' },
      rows: { type: 'string' },
      profile: { type: 'boolean' },
      'keep-profiles': { type: 'boolean' },
    },
  });
  const whole = (name: string, raw: string | undefined, fallback: number, max: number) => {
    if (raw === undefined) return fallback;
    if (!/^[1-9]\d*$/.test(raw) || Number(raw) > max)
      throw new Error(`--${name} must be a whole number from 1 to ${max} (got "${raw}")`);
    return Number(raw);
  };
  return {
    // Access tokens live 5 minutes: 6 runs of at most 30 s stay well inside that.
    seconds: whole('seconds', values.seconds, 10, 30),
    rows: whole('rows', values.rows, 1000, 100_000),
    profile: values.profile ?? false,
    keepProfiles: values['keep-profiles'] ?? false,
  };
}
