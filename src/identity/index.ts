// The identity service: the CALOS account every app shares (users, devices, sessions,
// credits, bring-your-own keys, plans), on the calos_identity database.
import type { FastifyRequest } from 'fastify';
import { type AuthUser, authenticateRequests, createTokenVerifier } from '../platform/auth/guard.ts';
import { type Clock, systemClock } from '../platform/clock.ts';
import { loadMasterKey } from '../platform/crypto/master-key.ts';
import { exportPage } from '../platform/data-portability.ts';
import type { ServiceContext, ServiceDefinition, ServiceInstance } from '../platform/http/service.ts';
import { isUuid } from '../platform/ids.ts';
import { createMailTransport, type MailTransport } from '../platform/mail.ts';
import { AI_USAGE_BATCH_LIMIT, type IdentityClient, planCacheFor } from './client.ts';
import type { IdentityDeps } from './deps.ts';
import { IdentityErrors } from './errors.ts';
import type { IdentityLinks } from './links.ts';
import { createMailer, type Mailer } from './mail/mailer.ts';
import { createBackchannelLogout } from './oidc/backchannel.ts';
import { createOidcProvider, type OidcProvider } from './oidc/provider.ts';
import { registerAccountDataRoutes } from './routes/account-data.ts';
import { registerIdentityRoutes } from './routes/index.ts';
import { registerInternalRoutes } from './routes/internal.ts';
import { registerOidcRootRoutes } from './routes/oidc.ts';
import { type AccountThrottles, createAccountThrottles } from './service/account-throttles.ts';
import { createAdminService } from './service/admin.ts';
import { createApiKeysClient } from './service/api-keys.ts';
import { type AuthService, createAuthService } from './service/auth.ts';
import { createCreditsClient } from './service/credits.ts';
import { createDeviceService, type DeviceService } from './service/devices.ts';
import { createIdentityHousekeeping } from './service/housekeeping.ts';
import { createKarmaService } from './service/karma.ts';
import { createLoginThrottle } from './service/login-throttle.ts';
import { createMailPreferences, type MailPreferences } from './service/mail-preferences.ts';
import { createNoticesClient } from './service/notices.ts';
import { createOidcService, type OidcService } from './service/oidc.ts';
import { createPairingService, type PairingService } from './service/pairing.ts';
import { createPasskeyService, type PasskeyService } from './service/passkeys.ts';
import { planCatalogOf } from './service/plans.ts';
import { createRecoveryService, type RecoveryService } from './service/recovery.ts';
import { createRevocationFeed } from './service/revocations.ts';
import { createTokenIssuer, type TokenIssuer } from './service/tokens.ts';
import { createTwoFactorService, type TwoFactorService } from './service/two-factor.ts';
import {
  findAiPreferences,
  insertAiUsage,
  insertAiUsageRows,
  listAiUsage,
  upsertAiPreferences,
} from './store/ai.ts';
import {
  deleteStoredResponse,
  findResponseChain,
  findStoredItems,
  findStoredResponse,
  insertStoredResponse,
} from './store/ai-responses.ts';
import { ackEvent, OUTBOX_CHANNEL, pullEvents } from './store/outbox.ts';

/** The model a user falls back to on the free Ollama pool when they have no key for a premium one. */
export const DEFAULT_FALLBACK_MODEL = 'llama3.2';

import { findAffiliateLinks } from './store/affiliate-links.ts';
import { IDENTITY_EXPORT } from './store/data-export.ts';
import { listStaffRoles } from './store/staff.ts';
import { currentPlan } from './store/subscriptions.ts';
import { existingUserIds, findUserById, findUserByLogin } from './store/users.ts';

/** The parts of the service, built once and shared by its routes and its client. */
export interface IdentityServices {
  deps: IdentityDeps;
  tokens: TokenIssuer;
  auth: AuthService;
  devices: DeviceService;
  pairing: PairingService;
  recovery: RecoveryService;
  twoFactor: TwoFactorService;
  passkeys: PasskeyService;
  mailPreferences: MailPreferences;
  throttles: AccountThrottles;
  /** Where mails go: a relay, the data dir (development) or nowhere yet (production, no relay). */
  mailTransport: MailTransport;
  mailer: Mailer;
  revocations: ReturnType<typeof createRevocationFeed>;
  /** The OpenID Connect provider (oidc-provider on identity's database and keys). */
  oidc: OidcProvider;
  oidcService: OidcService;
  /** Verifies an access token (CALOS's or the provider's) and that its session is live. */
  verifyAccessToken(token: string): Promise<AuthUser>;
  /** onRequest hook: verifies a presented access token and that its session is still live. */
  authenticate(request: FastifyRequest): Promise<void>;
}

export function createIdentityServices(
  context: Pick<ServiceContext, 'config' | 'databases' | 'logger'> & { clock?: Clock },
): IdentityServices {
  const clock = context.clock ?? systemClock;
  const deps: IdentityDeps = {
    db: context.databases.get('identity'),
    config: context.config,
    logger: context.logger.child({ service: 'identity' }),
    masterKey: loadMasterKey(context.config),
    now: () => clock.now(),
  };
  const tokens = createTokenIssuer(deps.db, deps.masterKey, clock);
  const auth = createAuthService(deps, tokens, createLoginThrottle(context.config));
  const throttles = createAccountThrottles(context.config);
  const mailTransport = createMailTransport(context.config);
  // Identity verifies its own tokens with its own keys, then checks that the session is live,
  // so sign-out and revocation take effect here at once.
  const verifier = createTokenVerifier(
    { jwks: () => tokens.jwks() },
    clock,
    undefined,
    context.config.issuer,
  );
  const verify = authenticateRequests(verifier);
  // The provider sends a person to the account console to sign in and allow the app.
  const console = context.config.mail.accountUrl ?? '/account/';
  const oidc = createOidcProvider(deps, tokens, {
    interactionUrl: (uid) => `${console}connect?interaction=${encodeURIComponent(uid)}`,
    // A device's code is entered where today's pairing codes are (RFC 8628's verification URI).
    devicePairUrl: `${console}pair`,
  });
  const oidcService = createOidcService(deps, oidc);
  return {
    deps,
    tokens,
    auth,
    devices: createDeviceService(deps),
    pairing: createPairingService(deps, auth, oidcService),
    recovery: createRecoveryService(deps, throttles),
    twoFactor: createTwoFactorService(deps, auth, throttles),
    passkeys: createPasskeyService(deps, auth, throttles),
    mailPreferences: createMailPreferences(deps),
    throttles,
    mailTransport,
    mailer: createMailer(deps, mailTransport, throttles),
    revocations: createRevocationFeed(deps),
    oidc,
    oidcService,
    async verifyAccessToken(token) {
      const user = await verifier.verify(token);
      await auth.assertSessionLive(user.userId, user.sessionId);
      await oidcService.assertGrantLive(user);
      return user;
    },
    async authenticate(request) {
      // The provider's routes and userinfo answer bearer tokens in OAuth's own format.
      if (request.routeOptions.config?.oidc) {
        request.auth = null;
        return;
      }
      await verify(request);
      if (request.auth) {
        await auth.assertSessionLive(request.auth.userId, request.auth.sessionId);
        await oidcService.assertGrantLive(request.auth);
      }
    },
  };
}

export function createIdentityClient(services: IdentityServices): IdentityClient {
  const { db } = services.deps;
  const client: IdentityClient = {
    jwks: () => services.tokens.jwks(),
    async findUser(query) {
      const user =
        'userId' in query ? await findUserById(db, query.userId) : await findUserByLogin(db, query.login);
      return user ? { userId: user.user_id, username: user.username, displayName: user.display_name } : null;
    },
    existingUserIds: (ids) => existingUserIds(db, ids),
    async planOf(userId) {
      const plan = await currentPlan(db, userId, services.deps.now());
      return { plan, entitlements: await planCatalogOf(services.deps).entitlementsOf(plan) };
    },
    plans: () => planCatalogOf(services.deps).list(),
    async staffRolesOf(userId) {
      if (!isUuid(userId)) return [];
      return (await listStaffRoles(db, userId)).map((g) => ({ role: g.role, domain: g.domain }));
    },
    async showsAffiliateLinks(userId) {
      return isUuid(userId) && (await findAffiliateLinks(db, userId)) === true;
    },
    credits: createCreditsClient(services.deps),
    apiKeys: createApiKeysClient(services.deps),
    outbox: {
      pull: (consumer, limit) => pullEvents(db, consumer, limit),
      ack: (consumer, eventId) => ackEvent(db, consumer, eventId),
    },
    ai: {
      async preferences(userId) {
        return (
          (await findAiPreferences(db, userId)) ?? {
            model_preference: null,
            fallback_model: DEFAULT_FALLBACK_MODEL,
          }
        );
      },
      setPreferences: (userId, preferences) => upsertAiPreferences(db, userId, preferences),
      recordUsage: (record) => insertAiUsage(db, record),
      recordUsageBatch: async (records) => {
        if (records.length > AI_USAGE_BATCH_LIMIT)
          throw IdentityErrors.aiUsageBatchTooLarge(records.length, AI_USAGE_BATCH_LIMIT);
        await insertAiUsageRows(db, records);
      },
      usage: (userId, limit, before) => listAiUsage(db, userId, limit, before),
      storeResponse: (userId, stored) =>
        isUuid(userId) ? insertStoredResponse(db, userId, stored) : Promise.resolve(),
      storedResponse: async (userId, responseId) =>
        isUuid(userId) ? findStoredResponse(db, userId, responseId, services.deps.now()) : null,
      responseChain: async (userId, responseId, limit) =>
        isUuid(userId) ? findResponseChain(db, userId, responseId, services.deps.now(), limit) : [],
      storedItems: async (userId, itemIds) =>
        isUuid(userId) ? findStoredItems(db, userId, itemIds, services.deps.now()) : [],
      deleteStoredResponse: async (userId, responseId) =>
        isUuid(userId) && deleteStoredResponse(db, userId, responseId),
    },
    revocations: {
      recent: () => services.revocations.recent(),
      after: (c, w) => services.revocations.after(c, w),
    },
    karma: (() => {
      const karma = createKarmaService(services.deps);
      return {
        recordVote: (report) => karma.recordVote(report),
        ofUser: (userId) => karma.ofUser(userId),
        recent: (userId, limit) => karma.recent(userId, limit),
        itemRemoved: (item) => karma.itemRemoved(item),
      };
    })(),
    notices: createNoticesClient(services.deps),
    dataExport: {
      collections: async () => Object.keys(IDENTITY_EXPORT),
      page: (userId, collection, after, limit) =>
        exportPage(db, IDENTITY_EXPORT, userId, collection, after, limit),
    },
    staff: (() => {
      const admin = createAdminService(services.deps);
      return { recordAction: (input) => admin.recordAction(input) };
    })(),
  };
  // Services in this process read plans through the client's cache: it follows identity's own.
  planCatalogOf(services.deps).onInvalidate(() => planCacheFor(client).invalidate());
  return client;
}

async function createIdentity(context: ServiceContext, links: IdentityLinks): Promise<ServiceInstance> {
  const services = createIdentityServices(context);
  // Make sure a signing key exists before the first request needs one.
  await services.tokens.jwks();
  // CALOS's own pages sign in through the provider: their redirect URIs follow this deployment.
  for (const { client_id, change } of await services.oidcService.registerFirstPartyClients()) {
    if (change !== 'unchanged')
      services.deps.logger.info({ client_id, change }, 'first-party OpenID Connect client registered');
  }
  const client = createIdentityClient(services);
  const housekeeping = createIdentityHousekeeping(services.deps, client.credits);
  const backchannelLogout = createBackchannelLogout(services.deps, services.oidc, services.revocations);
  const { db } = services.deps;
  // With NATS, identity's outbox (user.deleted…) reaches other machines through it.
  const relay = context.events?.relay({
    service: 'identity',
    outbox: { pull: (name, limit) => pullEvents(db, name, limit), ack: (name, id) => ackEvent(db, name, id) },
    db,
    channel: OUTBOX_CHANNEL,
    logger: services.deps.logger,
  });
  let unlisten: (() => Promise<void>) | undefined;
  return {
    routes: async (app) => {
      await registerIdentityRoutes(app, services);
      await registerAccountDataRoutes(app, services, links);
      registerInternalRoutes(app, client, context.config.serviceToken);
    },
    rootRoutes: (app) =>
      registerOidcRootRoutes(app, services.oidc, new URL(context.config.issuer).pathname.replace(/\/$/, '')),
    client,
    async start() {
      relay?.start();
      housekeeping.start();
      services.mailer.start();
      backchannelLogout.start();
      // A mail asked for in any process is queued at once, not at the next poll.
      unlisten = await services.deps.db
        .listen(OUTBOX_CHANNEL, (topic) => {
          // A plan changed in another process (another identity, `calos plans set`).
          if (topic === 'plan.changed') planCatalogOf(services.deps).invalidate();
          services.mailer.consumer.wake();
        })
        .catch(() => undefined);
    },
    async stop() {
      await relay?.stop();
      await unlisten?.().catch(() => undefined);
      backchannelLogout.stop();
      await services.revocations.stop();
      await backchannelLogout.stopped();
      await services.mailer.stop();
      await housekeeping.stop();
    },
    notices: () =>
      services.mailTransport.mode === 'held'
        ? [
            'CALOS_SMTP_URL is not set: mails (password resets, verifications, security notices) are queued and not sent until it is.',
          ]
        : [],
  };
}

/** CALOS identity, linked to the apps by `links` (src/cross-app gives them; NO_LINKS alone). */
export function defineIdentity(links: (context: ServiceContext) => IdentityLinks): ServiceDefinition {
  return {
    name: 'identity',
    prefix: '/calos',
    title: 'CALOS identity',
    description:
      'One CALOS account for every app: sign-up and sign-in, account recovery, two-step verification and passkeys, devices, credits, bring-your-own keys, plans.',
    database: 'identity',
    create: (context) => createIdentity(context, links(context)),
  };
}

// What the operator's commands (src/cli) run on identity's database: they reach it here, at the
// service's entry, never in its service/ or store/ folders.
export { rotateMasterKey } from './service/api-keys.ts';
export { planCatalogOf } from './service/plans.ts';
export { createStaffService } from './service/staff.ts';
export { ensureSystemAccount } from './service/system-accounts.ts';
export { ACCESS_TOKEN_TTL_SECONDS, createTokenIssuer } from './service/tokens.ts';
