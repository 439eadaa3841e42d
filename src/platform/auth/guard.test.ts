// The guard of a service in another process than identity, which reads identity's keys over HTTP:
// it reads them at start, and a failure to read them is identity's unavailability (503), never
// the caller's token being invalid.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AppError } from '../errors.ts';
import { createTokenVerifier, TOKEN_AUDIENCE, TOKEN_ISSUER } from './guard.ts';

describe('a token verifier reading the keys over HTTP', () => {
  let server: Server;
  let url: string;
  let publicJwk: JWK;
  let privateKey: CryptoKey;
  /** A second key, published only by the rotation test. */
  let rotatedJwk: JWK;
  let rotatedKey: CryptoKey;
  let published: JWK[] = [];
  /** What the key server answers: the keys, or 500 as an identity in trouble would. */
  let healthy = true;
  let fetches = 0;

  beforeAll(async () => {
    const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    privateKey = pair.privateKey;
    publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'key-1', alg: 'EdDSA', use: 'sig' };
    published = [publicJwk];
    const second = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    rotatedKey = second.privateKey;
    rotatedJwk = { ...(await exportJWK(second.publicKey)), kid: 'key-2', alg: 'EdDSA', use: 'sig' };
    server = createServer((_request, response) => {
      fetches++;
      response.writeHead(healthy ? 200 : 500, { 'content-type': 'application/json' });
      response.end(JSON.stringify(healthy ? { keys: published } : { error: 'down' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/calos/.well-known/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const tokenFor = (userId: string, kid = 'key-1', key: CryptoKey = privateKey) =>
    new SignJWT({ sid: `session-${userId}`, plan: 'free' })
      .setProtectedHeader({ alg: 'EdDSA', kid })
      .setSubject(userId)
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key);

  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => (error instanceof AppError ? { status: error.status, code: error.code } : error),
    );

  it('reads the keys once at start, so that a burst of first requests needs no fetch', async () => {
    healthy = true;
    const verifier = createTokenVerifier({ url });
    const before = fetches;
    await verifier.loadKeys();
    expect(fetches - before).toBe(1);
    // Identity in trouble right after: the keys read at start still verify every caller.
    healthy = false;
    const tokens = await Promise.all(Array.from({ length: 20 }, (_, i) => tokenFor(`user-${i}`)));
    const users = await Promise.all(tokens.map((token) => verifier.verify(token)));
    expect(users.map((u) => u.userId)).toEqual(tokens.map((_, i) => `user-${i}`));
    expect(fetches - before).toBe(1);
  });

  it('answers 503 SERVICE_UNAVAILABLE, not TOKEN_INVALID, when the keys cannot be read', async () => {
    healthy = false;
    const verifier = createTokenVerifier({ url });
    expect(await refusal(verifier.loadKeys())).toEqual({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(await refusal(verifier.verify(await tokenFor('user-a')))).toEqual({
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
    });
    // Once identity answers, the same token works: it was never invalid.
    healthy = true;
    expect((await verifier.verify(await tokenFor('user-a'))).userId).toBe('user-a');
  });

  it('still refuses a token signed with a key identity does not publish with TOKEN_INVALID', async () => {
    healthy = true;
    const verifier = createTokenVerifier({ url });
    await verifier.loadKeys();
    expect(await refusal(verifier.verify(await tokenFor('user-b', 'unknown-key')))).toEqual({
      status: 401,
      code: 'TOKEN_INVALID',
    });
    expect(await refusal(verifier.verify('not.a.token'))).toEqual({ status: 401, code: 'TOKEN_INVALID' });
  });

  it('takes a key identity published after this process read the set, at once, and does not re-read for made-up keys', async () => {
    healthy = true;
    published = [publicJwk];
    const verifier = createTokenVerifier({ url });
    await verifier.loadKeys();
    // Identity rotates right after: it publishes the new key and signs with it at once.
    published = [rotatedJwk, publicJwk];
    const before = fetches;
    expect((await verifier.verify(await tokenFor('user-r', 'key-2', rotatedKey))).userId).toBe('user-r');
    expect(fetches - before).toBe(1);
    // Key ids nobody published are refused without asking identity each time.
    for (const kid of ['made-up-1', 'made-up-2', 'made-up-3']) {
      expect(await refusal(verifier.verify(await tokenFor('user-s', kid)))).toEqual({
        status: 401,
        code: 'TOKEN_INVALID',
      });
    }
    expect(fetches - before).toBe(1);
    published = [publicJwk];
  });

  describe('when identity is away after the keys have grown old', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('goes on verifying with the keys in hand, asks identity again every 30 s, and takes new keys once it answers', async () => {
      healthy = true;
      // Only the clocks jose and the verifier read; sockets and their timeouts keep real time.
      vi.useFakeTimers({ toFake: ['Date', 'performance'] });
      const verifier = createTokenVerifier({ url });
      await verifier.loadKeys();
      expect((await verifier.verify(await tokenFor('user-c'))).userId).toBe('user-c');

      // Identity goes away, and the keys become older than the 10 minutes jose trusts a copy for.
      healthy = false;
      vi.advanceTimersByTime(11 * 60_000);
      const before = fetches;
      expect((await verifier.verify(await tokenFor('user-d'))).userId).toBe('user-d');
      expect(fetches - before).toBe(1);
      // Within 30 s, callers are not held up asking identity again.
      expect((await verifier.verify(await tokenFor('user-e'))).userId).toBe('user-e');
      expect(fetches - before).toBe(1);
      // A key this process has never seen may be one identity published since: 503, not TOKEN_INVALID.
      expect(await refusal(verifier.verify(await tokenFor('user-f', 'key-2')))).toEqual({
        status: 503,
        code: 'SERVICE_UNAVAILABLE',
      });

      vi.advanceTimersByTime(31_000);
      expect((await verifier.verify(await tokenFor('user-g'))).userId).toBe('user-g');
      expect(fetches - before).toBe(2);

      // Identity answers again: the next ask after the wait reads the keys afresh.
      healthy = true;
      vi.advanceTimersByTime(31_000);
      expect((await verifier.verify(await tokenFor('user-h'))).userId).toBe('user-h');
      expect(fetches - before).toBe(3);
      expect((await verifier.verify(await tokenFor('user-i'))).userId).toBe('user-i');
      expect(fetches - before).toBe(3);
    });
  });
});
