// bench:gateway's command line: --users N, --seconds N, --rounds N, --peers, --profile, --openai.
import { parseArgs } from 'node:util';

export interface GatewayOptions {
  /** Enterprise accounts the gateway requests rotate over (600 per minute each). */
  users: number;
  /** Measured seconds per run (after a 1 s warm-up). */
  seconds: number;
  /** Profile the gateway process (--cpu-prof) at 50 clients instead of the comparison. */
  profile: boolean;
  /** With --profile: profile the OpenAI-format load of the side-by-side comparison instead. */
  openai: boolean;
  /** Only the side-by-side comparison with Portkey (OpenAI format), not the Ollama-format runs. */
  peersOnly: boolean;
  /** Rounds of the side-by-side comparison (each target once per round). */
  rounds: number;
}

export function parseGatewayOptions(argv: readonly string[]): GatewayOptions {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      users: { type: 'string' },
      seconds: { type: 'string' },
      profile: { type: 'boolean' },
      openai: { type: 'boolean' },
      peers: { type: 'boolean' },
      rounds: { type: 'string' },
    },
  });
  const whole = (name: string, raw: string | undefined, fallback: number) => {
    if (raw === undefined) return fallback;
    if (!/^[1-9]\d*$/.test(raw))
      throw new Error(`--${name} must be a whole number of at least 1 (got "${raw}")`);
    return Number(raw);
  };
  return {
    users: whole('users', values.users, 300),
    seconds: whole('seconds', values.seconds, 5),
    profile: values.profile ?? false,
    openai: values.openai ?? false,
    peersOnly: values.peers ?? false,
    rounds: whole('rounds', values.rounds, 3),
  };
}
