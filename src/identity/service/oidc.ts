// The CALOS side of OpenID Connect: the console finishing a sign-in for an app (with the person's
// consent), the apps a person allowed, and registering apps (`calos clients`).
import { createHash, randomBytes } from 'node:crypto';
import { type AuthUser, FIRST_PARTY_SCOPE } from '../../platform/auth/guard.ts';
import { seal } from '../../platform/crypto/envelope.ts';
import type { IdentityDeps, RequestOrigin } from '../deps.ts';
import { IdentityErrors } from '../errors.ts';
import { requestMail } from '../mail/requests.ts';
import { clientSecretAad } from '../oidc/adapter.ts';
import { firstPartyClients } from '../oidc/first-party.ts';
import { ALL_SCOPES, API_SCOPES, acrOf, DEVICE_GRANT_TYPE, type OidcProvider } from '../oidc/provider.ts';
import { recordAudit } from '../store/audit.ts';
import { upsertDevice } from '../store/devices.ts';
import {
  deleteOidcClient,
  deleteOidcGrant,
  findGrantSession,
  findOidcClient,
  insertOidcClient,
  isGrantLive,
  linkGrantToSession,
  listOidcClients,
  listUserGrants,
  upsertOidcClient,
} from '../store/oidc.ts';
import { findSession, insertSession, type SessionRow } from '../store/sessions.ts';
import { isUserDisabled } from '../store/users.ts';
import { PASSWORD_DEVICE_TRUST, SESSION_TTL_SECONDS } from './auth.ts';
import { PAIRED_DEVICE_TRUST } from './pairing.ts';

export interface InteractionView {
  client_id: string;
  client_name: string;
  /** First-party apps (CALOS's own) are not asked about. */
  first_party: boolean;
  scopes: string[];
  /** Which form the console opens on (the app's `screen` parameter): sign-in unless `signup`. */
  screen?: 'signin' | 'signup';
}

export interface NewClient {
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  /** A public client (a browser or mobile app) has no secret and must use PKCE. */
  isPublic: boolean;
  /** A service client signs in as itself (client_credentials) with these API scopes. */
  service?: { scopes: string[] };
  /** A device that cannot show a browser (a TV, a speaker) signs in with RFC 8628's device flow. */
  device?: boolean;
  backchannelLogoutUri?: string;
  firstParty?: boolean;
}

const CLIENT_ID = /^[a-z0-9][a-z0-9-]{2,62}$/;

function checkUri(uri: string, what: string, allowHttpLocalhost = true): string {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw IdentityErrors.oidcClientInvalid(`${what} must be an absolute URL (got ${uri.slice(0, 100)})`);
  }
  const isLocal = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  const isWeb = url.protocol === 'https:' || (url.protocol === 'http:' && allowHttpLocalhost && isLocal);
  // Native apps may use a private-use scheme (RFC 8252 §7.1) such as com.example.app:/callback.
  const isNative = /^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:$/.test(url.protocol);
  if ((!isWeb && !isNative) || url.hash)
    throw IdentityErrors.oidcClientInvalid(
      `${what} must be https:// (http:// only on localhost) or an app's own scheme, without a fragment (got ${uri.slice(0, 100)})`,
    );
  return url.toString();
}

export function createOidcService(deps: IdentityDeps, oidc: OidcProvider) {
  const { db } = deps;
  const nowSeconds = () => Math.floor(deps.now().getTime() / 1000);

  const findInteraction = async (uid: string) => {
    const provider = await oidc.current();
    const interaction = await provider.Interaction.find(uid);
    if (!interaction || interaction.exp <= nowSeconds()) throw IdentityErrors.oidcInteractionNotFound();
    return { provider, interaction };
  };

  /** The scopes asked for that the app may have (`calos`, full access, only for CALOS's own apps). */
  const requestedScopes = (scope: unknown, isFirstParty = false) =>
    String(scope ?? '')
      .split(' ')
      .filter((s) => ALL_SCOPES.includes(s) || (isFirstParty && s === FIRST_PARTY_SCOPE));

  /** A first-party app's own CALOS session, authenticated as the console's session that let it in. */
  const startAppSession = async (
    userId: string,
    clientId: string,
    name: string,
    consoleSession: SessionRow,
    origin: RequestOrigin,
  ): Promise<SessionRow> =>
    db.transaction(async (tx) => {
      if (await isUserDisabled(tx, userId)) throw IdentityErrors.accountDisabled();
      const browser = createHash('sha256')
        .update(origin.userAgent ?? 'unknown')
        .digest('hex')
        .slice(0, 24);
      const device = await upsertDevice(
        tx,
        {
          userId,
          fingerprint: `oidc-app:${clientId}:${browser}`,
          type: 'web',
          name: `${name} (web)`,
          trustLevel: PASSWORD_DEVICE_TRUST,
          userAgent: origin.userAgent,
        },
        deps.now(),
      );
      const session = await insertSession(tx, {
        userId,
        deviceId: device.device_id,
        ip: origin.ip,
        userAgent: origin.userAgent,
        expiresAt: new Date(deps.now().getTime() + SESSION_TTL_SECONDS * 1000),
        amr: consoleSession.amr,
      });
      await recordAudit(tx, userId, 'login.succeeded', origin, {
        via: 'oidc',
        client_id: clientId,
        device_id: device.device_id,
      });
      return session;
    });

  return {
    async describeInteraction(uid: string): Promise<InteractionView> {
      const { interaction } = await findInteraction(uid);
      const clientId = String(interaction.params.client_id);
      const client = await findOidcClient(db, clientId);
      if (!client) throw IdentityErrors.oidcInteractionNotFound();
      return {
        client_id: clientId,
        client_name: client.name,
        first_party: client.first_party,
        scopes: requestedScopes(interaction.params.scope),
        screen: interaction.params.screen === 'signup' ? 'signup' : 'signin',
      };
    },

    /**
     * The signed-in person lets the app in: the provider's login is this CALOS session (its amr
     * and the acr that follows), and the grant lives as long as the session.
     */
    async accept(user: AuthUser, uid: string, origin: RequestOrigin = {}): Promise<{ redirect_to: string }> {
      const { provider, interaction } = await findInteraction(uid);
      const clientId = String(interaction.params.client_id);
      const consoleSession = await findSession(db, user.sessionId);
      if (!consoleSession) throw IdentityErrors.sessionEnded();
      const client = await findOidcClient(db, clientId);
      if (!client) throw IdentityErrors.oidcInteractionNotFound();
      const scopes = requestedScopes(interaction.params.scope, client.first_party);
      // One of CALOS's own apps gets a session of its own (a device "<App> (web)"), as signing in
      // there always did: signing out of that app ends only it; sign-out everywhere ends it too.
      const session = client.first_party
        ? await startAppSession(user.userId, client.client_id, client.name, consoleSession, origin)
        : consoleSession;
      const resource =
        typeof interaction.params.resource === 'string' ? interaction.params.resource : undefined;
      const grant = new provider.Grant({ accountId: user.userId, clientId });
      // The provider counts every scope it knows as its own; the resource (CALOS's APIs) gets them too.
      grant.addOIDCScope(scopes.join(' '));
      const apiResource = resource ?? `${deps.config.issuer}/api`;
      grant.addResourceScope(apiResource, scopes.join(' '));
      const grantId = await grant.save();
      await linkGrantToSession(db, {
        grantId,
        sessionId: session.session_id,
        userId: user.userId,
        clientId,
        now: deps.now(),
      });
      interaction.result = {
        login: {
          accountId: user.userId,
          amr: session.amr.length > 0 ? [...session.amr] : ['pwd'],
          acr: acrOf(session.amr),
          remember: true,
        },
        consent: { grantId },
      };
      await interaction.save(Math.max(1, interaction.exp - nowSeconds()));
      await recordAudit(db, user.userId, 'oidc.granted', {}, { client_id: clientId, scopes });
      return { redirect_to: interaction.returnTo };
    },

    async deny(uid: string): Promise<{ redirect_to: string }> {
      const { interaction } = await findInteraction(uid);
      interaction.result = { error: 'access_denied', error_description: 'The person did not allow the app' };
      await interaction.save(Math.max(1, interaction.exp - nowSeconds()));
      return { redirect_to: interaction.returnTo };
    },

    /** An app's token whose grant was taken away is refused here at once (elsewhere through the feed). */
    async assertGrantLive(user: AuthUser): Promise<void> {
      const grantKey = user.delegated?.grantKey;
      if (grantKey && !(await isGrantLive(db, grantKey, deps.now()))) throw IdentityErrors.sessionEnded();
    },

    /** Which app waits with this device-flow code and what it asks for (the pairing page's consent). */
    async describeDeviceCode(userCode: string): Promise<InteractionView | undefined> {
      const provider = await oidc.current();
      const code = await provider.DeviceCode.findByUserCode(userCode);
      if (!code?.clientId || code.isExpired || code.accountId || code.error) return undefined;
      const client = await findOidcClient(db, code.clientId);
      if (!client) return undefined;
      return {
        client_id: client.client_id,
        client_name: client.name,
        first_party: client.first_party,
        scopes: requestedScopes(code.params?.scope),
      };
    },

    /**
     * A signed-in person approves (or denies) the device showing `userCode`, a code of the
     * provider's device flow (RFC 8628), on the same page and endpoint as today's pairing codes.
     * Approved, the device becomes one of the account's devices with a CALOS session of its own,
     * which the app's grant lives in: revoking the device ends the app's tokens. Undefined when
     * no such code waits.
     */
    async decideDeviceCode(
      userId: string,
      userCode: string,
      approve: boolean,
      origin: { ip?: string; userAgent?: string },
      consoleUrl: string,
    ) {
      const provider = await oidc.current();
      const code = await provider.DeviceCode.findByUserCode(userCode);
      if (!code?.clientId || code.isExpired || code.accountId || code.error) return undefined;
      const client = await findOidcClient(db, code.clientId);
      if (!client) return undefined;
      const answer = { device_type: 'voice' as const, device_name: client.name, client_id: client.client_id };
      if (!approve) {
        Object.assign(code, {
          error: 'access_denied',
          errorDescription: 'The person did not allow this device',
        });
        await code.save();
        return { status: 'denied' as const, ...answer };
      }
      const scopes = requestedScopes(code.params?.scope);
      const info = (code.deviceInfo ?? {}) as { ip?: string; ua?: string };
      const session = await db.transaction(async (tx) => {
        const device = await upsertDevice(
          tx,
          {
            userId,
            fingerprint: `oidc-device:${code.jti}`,
            type: 'voice',
            name: client.name,
            trustLevel: PAIRED_DEVICE_TRUST,
            userAgent: info.ua,
          },
          deps.now(),
        );
        const started = await insertSession(tx, {
          userId,
          deviceId: device.device_id,
          ip: info.ip,
          userAgent: info.ua,
          expiresAt: new Date(deps.now().getTime() + SESSION_TTL_SECONDS * 1000),
        });
        await recordAudit(tx, userId, 'device.paired', origin, {
          device_type: 'voice',
          device_name: client.name,
          client_id: client.client_id,
          scopes,
        });
        // As for any pairing: a new sign-in, so the security notice goes out.
        await requestMail(tx, deps, {
          app: 'calos',
          kind: 'new_sign_in',
          userId,
          consoleUrl,
          data: { at: deps.now().toISOString(), device: client.name, ip: origin.ip },
        });
        return started;
      });
      const grant = new provider.Grant({ accountId: userId, clientId: client.client_id });
      const apiResource = `${deps.config.issuer}/api`;
      grant.addOIDCScope(scopes.join(' '));
      grant.addResourceScope(apiResource, scopes.join(' '));
      const grantId = await grant.save();
      await linkGrantToSession(db, {
        grantId,
        sessionId: session.session_id,
        userId,
        clientId: client.client_id,
        now: deps.now(),
      });
      Object.assign(code, {
        accountId: userId,
        grantId,
        authTime: nowSeconds(),
        scope: scopes.join(' '),
        resource: apiResource,
        // The ID token's sid (and the back-channel logout token's): one per device sign-in.
        sid: randomBytes(16).toString('base64url'),
      });
      await code.save();
      return { status: 'approved' as const, ...answer };
    },

    async listGrants(userId: string) {
      const rows = await listUserGrants(db, userId, deps.now());
      return rows.map((row) => ({
        grant_id: row.grant_id,
        client_id: row.client_id,
        client_name: row.name,
        created_at: row.created_at,
      }));
    },

    /** The person takes an app's access away: its codes and tokens stop working at once. */
    async revokeGrant(userId: string, grantId: string): Promise<void> {
      const link = await findGrantSession(db, grantId);
      if (!link || link.user_id !== userId) throw IdentityErrors.oidcGrantNotFound();
      await deleteOidcGrant(db, grantId, 'grant_revoked', deps.now());
      await recordAudit(db, userId, 'oidc.revoked', {}, { client_id: link.client_id });
    },

    async addClient(input: NewClient) {
      const name = input.name.trim();
      if (name.length < 1 || name.length > 100)
        throw IdentityErrors.oidcClientInvalid('The name must be 1 to 100 characters');
      const base =
        name
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, '-')
          .replace(/^-+|-+$/g, '')
          .slice(0, 40) || 'app';
      const clientId = `${base.length >= 3 ? base : `${base}-app`}-${randomBytes(4).toString('hex')}`;
      if (!CLIENT_ID.test(clientId))
        throw IdentityErrors.oidcClientInvalid('The name gives no usable client id');
      const redirectUris = input.redirectUris.map((uri) => checkUri(uri, 'A redirect URI'));
      const postLogout = (input.postLogoutRedirectUris ?? []).map((uri) =>
        checkUri(uri, 'A post-logout redirect URI'),
      );
      if (redirectUris.length > 10) throw IdentityErrors.oidcClientInvalid('At most 10 redirect URIs');
      if (input.service) {
        if (input.isPublic) throw IdentityErrors.oidcClientInvalid('A service client cannot be public');
        const unknown = input.service.scopes.filter(
          (s) => !API_SCOPES.includes(s as (typeof API_SCOPES)[number]),
        );
        if (unknown.length > 0)
          throw IdentityErrors.oidcClientInvalid(`Unknown service scopes: ${unknown.join(', ')}`);
      } else if (redirectUris.length === 0 && !input.device) {
        throw IdentityErrors.oidcClientInvalid(
          'An app that signs people in needs at least one --redirect-uri (or --device for the device flow)',
        );
      }
      const browserFlow = redirectUris.length > 0;
      const metadata: Record<string, unknown> = input.service
        ? {
            grant_types: ['client_credentials'],
            response_types: [],
            redirect_uris: [],
            scope: input.service.scopes.join(' '),
          }
        : {
            grant_types: [
              ...(browserFlow ? ['authorization_code'] : []),
              ...(input.device ? [DEVICE_GRANT_TYPE] : []),
              'refresh_token',
            ],
            response_types: browserFlow ? ['code'] : [],
            redirect_uris: redirectUris,
            post_logout_redirect_uris: postLogout,
            ...(input.isPublic ? { token_endpoint_auth_method: 'none' } : {}),
            ...(input.backchannelLogoutUri
              ? {
                  backchannel_logout_uri: checkUri(input.backchannelLogoutUri, 'The back-channel logout URI'),
                  backchannel_logout_session_required: true,
                }
              : {}),
          };
      const secret = input.isPublic ? undefined : randomBytes(32).toString('base64url');
      await insertOidcClient(db, {
        clientId,
        name,
        metadata,
        secretSealed: secret ? seal(deps.masterKey, secret, clientSecretAad(clientId)) : null,
        firstParty: input.firstParty ?? false,
        now: deps.now(),
      });
      // The provider checks the metadata when it loads the client: a bad one is refused now, not at sign-in.
      try {
        const provider = await oidc.current();
        await provider.Client.find(clientId);
      } catch (error) {
        await deleteOidcClient(db, clientId);
        throw IdentityErrors.oidcClientInvalid(
          `The provider refused this client: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      return {
        client_id: clientId,
        ...(secret ? { client_secret: secret } : {}),
        name,
        redirect_uris: redirectUris,
        public: input.isPublic,
      };
    },

    async listClients() {
      return (await listOidcClients(db)).map((row) => ({
        client_id: row.client_id,
        name: row.name,
        public: !row.secret_sealed,
        first_party: row.first_party,
        redirect_uris: (row.metadata.redirect_uris as string[] | undefined) ?? [],
        grant_types: (row.metadata.grant_types as string[] | undefined) ?? [],
        created_at: row.created_at,
      }));
    },

    async removeClient(clientId: string): Promise<void> {
      const client = await findOidcClient(db, clientId);
      if (!client) throw IdentityErrors.oidcClientNotFound();
      // It would come back at the next start: its addresses are the deployment's settings.
      if (client.first_party) throw IdentityErrors.oidcClientFirstParty(clientId);
      if (!(await deleteOidcClient(db, clientId))) throw IdentityErrors.oidcClientNotFound();
    },

    /**
     * Registers CALOS's own pages (the console and the three apps) as public PKCE clients with the
     * redirect URIs this deployment's settings give, or updates them when those changed. Run at
     * identity's start; idempotent, so every process of a deployment may run it.
     */
    async registerFirstPartyClients(): Promise<Array<{ client_id: string; change: string }>> {
      const changes: Array<{ client_id: string; change: string }> = [];
      for (const client of firstPartyClients(deps.config)) {
        // From the operator's settings (already checked there), *.localhost hosts in development too.
        const redirectUris = client.redirectUris.map((uri) => new URL(uri).toString());
        const change = await upsertOidcClient(db, {
          clientId: client.clientId,
          name: client.name,
          metadata: {
            grant_types: ['authorization_code', 'refresh_token'],
            response_types: ['code'],
            redirect_uris: redirectUris,
            post_logout_redirect_uris: redirectUris,
            token_endpoint_auth_method: 'none',
            application_type: 'web',
          },
          firstParty: true,
          now: deps.now(),
        });
        changes.push({ client_id: client.clientId, change });
      }
      return changes;
    },
  };
}

export type OidcService = ReturnType<typeof createOidcService>;
