// Access-token verifications per second in one process: the shared guard's verifier over a
// local key set (JWKS), as every service runs it, verifying one real token again and again.
import type { JSONWebKeySet } from 'jose';
import { createTokenVerifier } from '../../src/platform/auth/guard.ts';

export interface VerificationRate {
  inFlight: number;
  total: number;
  perSecond: number;
  /** Mean time of one verification as its caller waits for it. */
  meanMicros: number;
}

export async function measureVerifications(
  jwks: JSONWebKeySet,
  token: string,
  expectedUserId: string,
  options: { seconds: number; inFlight: number },
): Promise<VerificationRate> {
  const verifier = createTokenVerifier({ jwks: async () => jwks });
  const first = await verifier.verify(token);
  if (first.userId !== expectedUserId) throw new Error('the verified token names another user');

  let total = 0;
  let waited = 0;
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const before = performance.now();
      await verifier.verify(token);
      waited += performance.now() - before;
      total += 1;
    }
  };
  await Promise.all(Array.from({ length: options.inFlight }, worker));
  const elapsed = (performance.now() - started) / 1000;
  return {
    inFlight: options.inFlight,
    total,
    perSecond: total / elapsed,
    meanMicros: (waited / total) * 1000,
  };
}
