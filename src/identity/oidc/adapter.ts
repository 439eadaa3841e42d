// oidc-provider's storage on identity's database (both engines): one row per object, clients from
// oidc_clients (secrets sealed under the master key), and a user's grant alive only while the
// CALOS session it was made in is.
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { open } from '../../platform/crypto/envelope.ts';
import type { IdentityDeps } from '../deps.ts';
import {
  consumeOidcPayload,
  deleteOidcGrant,
  deleteOidcPayload,
  findOidcClient,
  findOidcPayload,
  recordProviderSid,
  upsertOidcPayload,
} from '../store/oidc.ts';

export const clientSecretAad = (clientId: string) => `oidc-client-secret:${clientId}`;

export function createAdapterClass(deps: Pick<IdentityDeps, 'db' | 'masterKey' | 'now'>) {
  const { db } = deps;
  return class DatabaseAdapter implements Adapter {
    constructor(readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      if (this.model === 'Client') throw new Error('Clients are registered with `calos clients add`');
      await upsertOidcPayload(db, {
        model: this.model,
        id,
        payload: payload as Record<string, unknown>,
        // A grant's own row carries its id, so revoking the grant removes it with its tokens.
        grantId: this.model === 'Grant' ? id : payload.grantId,
        userCode: payload.userCode,
        uid: payload.uid,
        expiresAt: expiresIn ? new Date(deps.now().getTime() + expiresIn * 1000) : undefined,
      });
      // The sid an app's ID tokens will carry comes with its code: its back-channel logout names it.
      if (
        (this.model === 'AuthorizationCode' || this.model === 'DeviceCode') &&
        typeof payload.sid === 'string' &&
        typeof payload.grantId === 'string'
      )
        await recordProviderSid(db, payload.grantId, payload.sid);
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.model === 'Client') {
        const row = await findOidcClient(db, id);
        if (!row) return undefined;
        return {
          ...(row.metadata as AdapterPayload),
          client_id: row.client_id,
          client_name: row.name,
          ...(row.secret_sealed
            ? { client_secret: open(deps.masterKey, row.secret_sealed, clientSecretAad(row.client_id)) }
            : {}),
        };
      }
      return this.#read(await findOidcPayload(db, { model: this.model, id }, deps.now()));
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return this.#read(await findOidcPayload(db, { model: this.model, userCode }, deps.now()));
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return this.#read(await findOidcPayload(db, { model: this.model, uid }, deps.now()));
    }

    async consume(id: string): Promise<void> {
      await consumeOidcPayload(db, this.model, id, deps.now());
    }

    async destroy(id: string): Promise<void> {
      await deleteOidcPayload(db, this.model, id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await deleteOidcGrant(db, grantId, 'grant_revoked', deps.now());
    }

    #read(row: Awaited<ReturnType<typeof findOidcPayload>>): AdapterPayload | undefined {
      // A grant whose CALOS session ended is gone, with its codes and tokens.
      if (!row?.is_live) return undefined;
      return {
        ...(row.payload as AdapterPayload),
        ...(row.consumed_at ? { consumed: Math.floor(row.consumed_at.getTime() / 1000) } : {}),
      };
    }
  };
}
