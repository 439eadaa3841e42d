import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { testEngines } from '../../../test/support/engines.ts';
import { given } from '../../../test/support/given.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { createTokenVerifier } from '../../platform/auth/guard.ts';
import { loadMasterKey } from '../../platform/crypto/master-key.ts';
import type { IdentityClient } from '../client.ts';
import { createTokenIssuer } from './tokens.ts';

describe.each(testEngines())('access tokens on %s', (engine) => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform(engine, { services: ['identity'] });
  });
  afterAll(() => platform.close());
  afterEach(() => {
    vi.useRealTimers();
  });

  const verifierOfAnotherService = () =>
    createTokenVerifier({ jwks: () => platform.clients.get<IdentityClient>('identity').jwks() });

  it('verify in another service from the public keys alone, with user, session and plan', async () => {
    const alice = await given(platform).user();
    const claims = await verifierOfAnotherService().verify(alice.accessToken);
    expect(claims).toMatchObject({ userId: alice.userId, sessionId: alice.sessionId, plan: 'free' });
  });

  it('stop working everywhere once their 300 seconds are up', async () => {
    const bob = await given(platform).user();
    const verifier = verifierOfAnotherService();
    await expect(verifier.verify(bob.accessToken)).resolves.toBeDefined();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 301_000);
    await expect(verifier.verify(bob.accessToken)).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' });
  });

  it('still sign in after the process has not read its signing key for a while', async () => {
    const dave = await given(platform).user();
    // Past the key's re-read interval: the next sign-in re-reads it inside its own transaction.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 31_000);
    const login = await platform.app.inject({
      method: 'POST',
      url: '/calos/api/auth/login',
      payload: { login: dave.username, password: dave.password },
    });
    expect(login.statusCode, login.body).toBe(200);
  });

  it('survive a signing key rotation: old tokens still verify, new ones carry the new kid', async () => {
    const carol = await given(platform).user();
    const kidOf = (token: string) =>
      JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString()).kid;
    const oldKid = kidOf(carol.accessToken);
    const issuer = createTokenIssuer(
      platform.databases.get('identity'),
      loadMasterKey({ masterKey: undefined, dataDir: platform.isolated.dataDir }),
    );
    const newKid = await issuer.rotate();
    expect(newKid).not.toBe(oldKid);

    const fresh = await issuer.issue({ userId: carol.userId, sessionId: carol.sessionId, plan: 'free' });
    expect(kidOf(fresh.token)).toBe(newKid);
    const verifier = verifierOfAnotherService();
    await expect(verifier.verify(carol.accessToken)).resolves.toMatchObject({ userId: carol.userId });
    await expect(verifier.verify(fresh.token)).resolves.toMatchObject({ userId: carol.userId });
    const jwks = await platform.clients.get<IdentityClient>('identity').jwks();
    expect(jwks.keys.map((k) => k.kid)).toEqual(expect.arrayContaining([oldKid, newKid]));
    const me = await platform.app.inject({
      method: 'GET',
      url: '/calos/api/auth/me',
      headers: carol.headers,
    });
    expect(me.statusCode).toBe(200);
  });
});
