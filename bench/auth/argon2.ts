// The cost of the Argon2id parameters in force: hashing (sign-up, password change) and
// verifying (sign-in) one at a time and several at once, through identity's own functions.
import { hashPassword, verifyPassword } from '../../src/identity/service/passwords.ts';

export interface Argon2Rate {
  operation: 'hash' | 'verify';
  inFlight: number;
  total: number;
  perSecond: number;
  /** Median time of one operation as its caller waits for it. */
  medianMs: number;
}

const PASSWORD = 'correct horse battery staple';

export async function measureArgon2(
  operation: 'hash' | 'verify',
  options: { seconds: number; inFlight: number },
): Promise<Argon2Rate> {
  const hash = await hashPassword(PASSWORD);
  if (!(await verifyPassword(hash, PASSWORD))) throw new Error('a fresh hash does not verify');
  const once = operation === 'hash' ? () => hashPassword(PASSWORD) : () => verifyPassword(hash, PASSWORD);

  const durations: number[] = [];
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const before = performance.now();
      await once();
      durations.push(performance.now() - before);
    }
  };
  await Promise.all(Array.from({ length: options.inFlight }, worker));
  const elapsed = (performance.now() - started) / 1000;
  const sorted = durations.sort((a, b) => a - b);
  return {
    operation,
    inFlight: options.inFlight,
    total: sorted.length,
    perSecond: sorted.length / elapsed,
    medianMs: sorted[Math.floor(sorted.length / 2)] ?? Number.NaN,
  };
}
