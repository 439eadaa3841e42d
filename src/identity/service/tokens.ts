// Access tokens: short-lived JWTs signed with Ed25519 (kid in the header; claims for user,
// session, plan and how the session was authenticated, amr). Keys live sealed in the database;
// rotation publishes the new key at once and keeps the old one in the JWKS until every token it
// signed has expired.
import { randomUUID } from 'node:crypto';
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JSONWebKeySet,
  type JWK,
  SignJWT,
} from 'jose';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '../../platform/auth/guard.ts';
import { type Clock, systemClock } from '../../platform/clock.ts';
import { open, seal } from '../../platform/crypto/envelope.ts';
import type { Database, Queryable } from '../../platform/db/database.ts';
import {
  findActiveSigningKey,
  insertActiveSigningKey,
  listPublishedSigningKeys,
  retireActiveSigningKey,
  type SigningKeyRow,
} from '../store/signing-keys.ts';

/** How long an access token works. This is also the bound after which a logged-out or
 * revoked session stops working in services that verify tokens locally. */
export const ACCESS_TOKEN_TTL_SECONDS = 300;
/** Allowance for clock skew between processes. */
export const CLOCK_SKEW_SECONDS = 60;
/** How often a process re-reads which key is active (another process may have rotated). */
const ACTIVE_KEY_REFRESH_MS = 30_000;

export const signingKeyAad = (kid: string) => `signing-key:${kid}`;

interface ActiveKey {
  kid: string;
  privateKey: Awaited<ReturnType<typeof importJWK>>;
  loadedAt: number;
}

export interface AccessTokenClaims {
  userId: string;
  sessionId: string;
  plan: string;
  /** How the session was authenticated (RFC 8176 values), when known. */
  amr?: readonly string[];
}

export interface TokenIssuer {
  /**
   * Signs an access token. Inside a transaction pass it as `via`: a key read through the
   * database would wait for that transaction to end (on PGlite's one connection: forever).
   */
  issue(claims: AccessTokenClaims, via?: Queryable): Promise<{ token: string; expiresIn: number }>;
  jwks(): Promise<JSONWebKeySet>;
  /** The private halves of the published keys, the active one first (the OpenID provider signs with them). */
  privateJwks(): Promise<JWK[]>;
  /** Starts signing with a fresh key; the old one stays published for the token lifetime. */
  rotate(): Promise<string>;
}

export function createTokenIssuer(db: Database, masterKey: Buffer, clock: Clock = systemClock): TokenIssuer {
  let active: ActiveKey | undefined;

  const load = async (row: SigningKeyRow): Promise<ActiveKey> => {
    const jwk = JSON.parse(open(masterKey, row.private_jwk_encrypted, signingKeyAad(row.kid))) as JWK;
    return { kid: row.kid, privateKey: await importJWK(jwk, 'EdDSA'), loadedAt: performance.now() };
  };

  const createKey = async (q: Queryable = db): Promise<void> => {
    const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const kid = `${(await calculateJwkThumbprint(publicJwk)).slice(0, 16)}-${randomUUID().slice(0, 8)}`;
    const privateJwk = await exportJWK(privateKey);
    await insertActiveSigningKey(q, {
      kid,
      publicJwk: { ...publicJwk, kid, alg: 'EdDSA', use: 'sig' },
      privateJwkEncrypted: seal(masterKey, JSON.stringify(privateJwk), signingKeyAad(kid)),
    });
  };

  const activeKey = async (q: Queryable = db): Promise<ActiveKey> => {
    if (active && performance.now() - active.loadedAt < ACTIVE_KEY_REFRESH_MS) return active;
    let row = await findActiveSigningKey(q);
    if (!row) {
      await createKey(q);
      row = await findActiveSigningKey(q);
    }
    if (!row) throw new Error('No active signing key could be created');
    active = active?.kid === row.kid ? { ...active, loadedAt: performance.now() } : await load(row);
    return active;
  };

  return {
    async issue(claims, via) {
      const key = await activeKey(via);
      const issuedAt = Math.floor(clock.nowMs() / 1000);
      const token = await new SignJWT({
        sid: claims.sessionId,
        plan: claims.plan,
        ...(claims.amr?.length ? { amr: [...claims.amr] } : {}),
      })
        .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'JWT' })
        .setSubject(claims.userId)
        .setIssuer(TOKEN_ISSUER)
        .setAudience(TOKEN_AUDIENCE)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + ACCESS_TOKEN_TTL_SECONDS)
        .setJti(randomUUID())
        .sign(key.privateKey);
      return { token, expiresIn: ACCESS_TOKEN_TTL_SECONDS };
    },
    async jwks() {
      await activeKey();
      const rows = await listPublishedSigningKeys(
        db,
        ACCESS_TOKEN_TTL_SECONDS + CLOCK_SKEW_SECONDS + ACTIVE_KEY_REFRESH_MS / 1000,
        clock.now(),
      );
      return { keys: rows.map((row) => row.public_jwk as JWK) };
    },
    async privateJwks() {
      const { kid } = await activeKey();
      const rows = await listPublishedSigningKeys(
        db,
        ACCESS_TOKEN_TTL_SECONDS + CLOCK_SKEW_SECONDS + ACTIVE_KEY_REFRESH_MS / 1000,
        clock.now(),
      );
      const jwks = rows.map((row) => ({
        ...(JSON.parse(open(masterKey, row.private_jwk_encrypted, signingKeyAad(row.kid))) as JWK),
        kid: row.kid,
        alg: 'EdDSA',
        use: 'sig',
      }));
      return [...jwks.filter((k) => k.kid === kid), ...jwks.filter((k) => k.kid !== kid)];
    },
    async rotate() {
      await db.transaction(async (tx) => {
        await retireActiveSigningKey(tx, clock.now());
      });
      active = undefined;
      await createKey();
      return (await activeKey()).kid;
    },
  };
}
