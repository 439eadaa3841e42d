// Composes the services into one process: open the databases, migrate, build each service
// (identity first: the others verify its tokens and use its client), serve every service
// under its prefix, and shut down cleanly on SIGTERM/SIGINT.

import { request } from 'undici';
import { createAiHttpClient } from './ai/client.ts';
import { aiService } from './ai/index.ts';
import { registerDoctorEndpoint } from './cli/doctor/endpoint.ts';
import { registerCliEndpoint } from './cli/in-server/endpoint.ts';
import { loadStarterPack, type StarterLoadResult } from './cli/seed/starter.ts';
import { familyService, hollowtownService, identityService, recipesService } from './cross-app/index.ts';
import { createFamilyHttpClient } from './family/client.ts';
import { createHollowtownHttpClient, type HollowtownClient } from './hollowtown/client.ts';
import { createIdentityHttpClient, type IdentityClient, type JwksProvider } from './identity/client.ts';
import { ACCESS_TOKEN_TTL_SECONDS, CLOCK_SKEW_SECONDS } from './identity/service/tokens.ts';
import { createTokenVerifier, type TokenVerifier } from './platform/auth/guard.ts';
import { createRevocationList, followRevocations, type RevocationList } from './platform/auth/revocations.ts';
import { type Clock, systemClock } from './platform/clock.ts';
import type { Config, ServiceName } from './platform/config.ts';
import { randomToken } from './platform/crypto/tokens.ts';
import { DATABASE_NAMES, type DatabaseName } from './platform/databases.ts';
import { DBPoolManager } from './platform/db/pool-manager.ts';
import { ConfigError } from './platform/errors.ts';
import { type EventBus, openNatsBus } from './platform/events/nats-bus.ts';
import { createHttpServer, type DependencyStatus } from './platform/http/server.ts';
import {
  type App,
  ClientRegistry,
  type MountedService,
  type ServiceDefinition,
} from './platform/http/service.ts';
import { stopGracefully } from './platform/http/shutdown.ts';
import type { Logger } from './platform/logger.ts';
import { migrate } from './platform/migrations/migrator.ts';
import { createRecipesHttpClient, type RecipesClient } from './recipes/client.ts';

/** Identity comes first: every other service depends on it. */
export const ALL_SERVICES: readonly ServiceDefinition[] = [
  identityService,
  hollowtownService,
  recipesService,
  familyService,
  aiService,
];

export interface StartOptions {
  config: Config;
  logger: Logger;
  /** Which services to serve (default: all). */
  services?: readonly ServiceName[];
  /** Apply pending migrations of the opened databases before serving. */
  migrate?: boolean;
  migrationsDir?: string;
  /** Where every service reads the time (default: the system's); tests move it. */
  clock?: Clock;
  /**
   * Load the starter pack (content/starter) once serving, unless CALOS_STARTER_PACK=off: what
   * `calos start` does. Tests leave it out (and pay nothing) unless they ask.
   */
  starterPack?: boolean;
}

export interface RunningPlatform {
  app: App;
  databases: DBPoolManager;
  clients: ClientRegistry;
  url: string;
  services: readonly ServiceDefinition[];
  clock: Clock;
  /** What the services want the operator to know now (e.g. no AI server answers). */
  notices(): string[];
  /** The starter pack's load, when asked for (it runs after the server listens); undefined otherwise. */
  starterPack?: Promise<StarterLoadResult | undefined>;
  stop(): Promise<void>;
}

export interface ServiceComposition {
  clients: ClientRegistry;
  mounted: MountedService[];
  /** Follows identity's revocations into this process's list (started with the server). */
  revocationFollower: { start(): Promise<void>; stop(): void };
  revocations: RevocationList;
  /** The services this process reaches over HTTP, by name: their base URL and prefix. */
  remotes: { name: ServiceName; url: string; prefix: string }[];
  /** NATS JetStream, when configured; closed after the services stop. */
  events?: EventBus;
  verifier: TokenVerifier;
}

/**
 * Builds the services in order (identity first) and registers their clients, without HTTP and
 * without starting background work: what startPlatform serves, and what `calos doctor` asks.
 * Served without identity, a service reaches it (and the gateway) over HTTP.
 */
export async function composeServices(options: {
  config: Config;
  logger: Logger;
  databases: DBPoolManager;
  definitions: readonly ServiceDefinition[];
  clock?: Clock;
}): Promise<ServiceComposition> {
  const { config, logger, databases, definitions, clock = systemClock } = options;
  const clients = new ClientRegistry();
  const servesIdentity = definitions.some((d) => d.name === 'identity');
  if (!servesIdentity) {
    if (!config.identityUrl || !config.serviceToken) {
      throw new ConfigError([
        'Serving a service without identity needs CALOS_IDENTITY_URL (where identity answers) and CALOS_SERVICE_TOKEN (the same on both)',
      ]);
    }
    clients.register('identity', createIdentityHttpClient(config.identityUrl, config.serviceToken));
  }
  // The services served elsewhere, through their HTTP clients: a service served alone keeps the
  // features that need another (Hollowtown's family lists and recipes from HowToCookAtHome).
  const served = new Set(definitions.map((d) => d.name));
  const remotes: ServiceComposition['remotes'] = [];
  if (!servesIdentity && config.identityUrl)
    remotes.push({ name: 'identity', url: config.identityUrl, prefix: '/calos' });
  if (!served.has('ai') && config.aiUrl) {
    clients.register('ai', createAiHttpClient(config.aiUrl));
    remotes.push({ name: 'ai', url: config.aiUrl, prefix: '/ai' });
  }
  const remoteApps = {
    hollowtown: createHollowtownHttpClient,
    recipes: createRecipesHttpClient,
    family: createFamilyHttpClient,
  };
  for (const [name, create] of Object.entries(remoteApps) as [
    keyof typeof remoteApps,
    (url: string, token: string) => unknown,
  ][]) {
    const url = config.appUrls[name];
    if (!served.has(name) && url && config.serviceToken) {
      clients.register(name, create(url, config.serviceToken));
      remotes.push({ name, url, prefix: `/${name}` });
    }
  }
  // Kept as long as a token issued before the revocation can live.
  const revocations = createRevocationList(clock, (ACCESS_TOKEN_TTL_SECONDS + CLOCK_SKEW_SECONDS) * 1000);
  const verifier = createTokenVerifier(
    servesIdentity
      ? { jwks: () => clients.get<JwksProvider>('identity').jwks() }
      : { url: `${config.identityUrl}/calos/.well-known/jwks.json` },
    clock,
    revocations,
    config.issuer,
  );
  const events = config.natsUrl
    ? await openNatsBus({
        url: config.natsUrl,
        prefix: config.natsPrefix,
        logger: logger.child({ component: 'nats' }),
      })
    : undefined;
  const context = { config, databases, logger, verifier, clients, clock, revocations, events };
  const mounted: MountedService[] = [];
  try {
    for (const definition of definitions) {
      const instance = await definition.create(context);
      if (instance.client) clients.register(definition.name, instance.client);
      mounted.push({ definition, instance });
    }
  } catch (error) {
    for (const { instance } of mounted) await Promise.resolve(instance.stop?.()).catch(() => undefined);
    await events?.close();
    throw error;
  }
  const revocationFollower = followRevocations({
    source: clients.get<IdentityClient>('identity').revocations,
    list: revocations,
    logger: logger.child({ component: 'revocations' }),
  });
  return { clients, mounted, revocationFollower, revocations, remotes, events, verifier };
}

/** The clients of some services (default: every one with a database), built in-process on open databases. */
export async function createServiceClients(options: {
  config: Config;
  logger: Logger;
  databases: DBPoolManager;
  services?: readonly ServiceName[];
  clock?: Clock;
}): Promise<ClientRegistry> {
  const definitions = ALL_SERVICES.filter((s) =>
    options.services ? options.services.includes(s.name) : s.database !== undefined,
  );
  // Clients only: no events between processes (nothing here would close the connection).
  const config = { ...options.config, natsUrl: undefined };
  return (await composeServices({ ...options, config, definitions })).clients;
}

export async function startPlatform(options: StartOptions): Promise<RunningPlatform> {
  const { config, logger, clock = systemClock } = options;
  const definitions = options.services
    ? ALL_SERVICES.filter((s) => options.services?.includes(s.name))
    : ALL_SERVICES;
  const wanted = new Set<DatabaseName>(definitions.flatMap((s) => (s.database ? [s.database] : [])));
  const names = DATABASE_NAMES.filter((name) => wanted.has(name));
  const databases = await DBPoolManager.open({ databases: config.databases, dataDir: config.dataDir, names });
  const mounted: MountedService[] = [];
  let app: App | undefined;
  let follower: ServiceComposition['revocationFollower'] | undefined;
  let bus: EventBus | undefined;
  try {
    if (options.migrate) {
      for (const name of names) await migrate(databases.get(name), { migrationsDir: options.migrationsDir });
    }
    const {
      clients,
      mounted: built,
      revocationFollower,
      revocations: revocationList,
      remotes,
      events,
      verifier,
    } = await composeServices({ config, logger, databases, definitions, clock });
    mounted.push(...built);
    follower = revocationFollower;
    bus = events;
    const doctorToken = randomToken(32);
    app = await createHttpServer({
      config,
      logger,
      databases,
      services: mounted,
      migrationsDir: options.migrationsDir,
      clock,
      revocations: revocationList,
      dependencies: () => dependencyStatus(remotes, revocationList, mounted),
      processRoutes: (server) => {
        registerDoctorEndpoint(server, {
          config,
          databases,
          clients,
          token: doctorToken,
          migrationsDir: options.migrationsDir,
        });
        registerCliEndpoint(server, { config, databases, token: doctorToken });
      },
    });
    const address = await app.listen({ port: config.port, host: config.host });
    databases.announceServer({ url: address, doctorToken });
    for (const { instance } of mounted) await instance.start?.();
    await revocationFollower.start();
    // Identity's keys before the first request: otherwise every request of a first burst waits on
    // one fetch, and all fail together if it does. Without identity, the first request tries again.
    if (remotes.some((remote) => remote.name === 'identity')) {
      await verifier.loadKeys().catch((error: unknown) => {
        logger.warn({ err: error }, "identity's signing keys could not be read at start");
      });
    }
    // After listening: the pages answer at once, the pack fills in within a second or two.
    const starterPack =
      options.starterPack && config.starterPack && definitions.some((d) => d.name === 'identity')
        ? loadStarterPack({
            identity: { db: databases.get('identity'), now: () => clock.now() },
            hollowtown: clients.has('hollowtown') ? clients.get<HollowtownClient>('hollowtown') : undefined,
            recipes: clients.has('recipes') ? clients.get<RecipesClient>('recipes') : undefined,
          }).then(
            (result) => {
              logger.info(
                { parts: result.parts, skipped: result.skipped, ms: Math.round(result.elapsedMs) },
                'starter pack loaded',
              );
              return result;
            },
            (error: unknown) => {
              logger.error({ err: error }, 'the starter pack could not be loaded; the site works without it');
              return undefined;
            },
          )
        : undefined;
    let stopping: Promise<void> | undefined;
    return {
      app,
      databases,
      clients,
      url: address,
      services: definitions,
      clock,
      notices: () => mounted.flatMap(({ instance }) => instance.notices?.() ?? []),
      starterPack,
      stop: () => {
        stopping ??= (async () => {
          await starterPack;
          follower?.stop();
          for (const { instance } of [...mounted].reverse()) await instance.stop?.();
          if (app) await stopGracefully(app, databases);
          await bus?.close();
        })();
        return stopping;
      },
    };
  } catch (error) {
    follower?.stop();
    for (const { instance } of mounted) await Promise.resolve(instance.stop?.()).catch(() => undefined);
    await app?.close().catch(() => undefined);
    await bus?.close();
    await databases.closeAll();
    throw error;
  }
}

/** Whether each service this process reaches over HTTP answers, and whether revocations flow. */
async function dependencyStatus(
  remotes: ServiceComposition['remotes'],
  revocations: RevocationList,
  mounted: readonly MountedService[],
): Promise<DependencyStatus[]> {
  const checks = await Promise.all(
    remotes.map(async ({ name, url, prefix }): Promise<DependencyStatus> => {
      try {
        const answer = await request(`${url}${prefix}/internal/health`, {
          headersTimeout: 2_000,
          bodyTimeout: 2_000,
        });
        await answer.body.dump();
        return answer.statusCode === 200
          ? { name, ok: true, detail: `${url}${prefix} answers` }
          : { name, ok: false, detail: `${url}${prefix} answered ${answer.statusCode}` };
      } catch (error) {
        return { name, ok: false, detail: `${url}${prefix} is not reachable: ${(error as Error).message}` };
      }
    }),
  );
  checks.push({
    name: 'revocations',
    ok: revocations.isFollowing,
    detail: revocations.isFollowing
      ? 'following identity’s revocations'
      : 'not following identity’s revocations: ended sessions work here until their tokens expire',
  });
  // What the services themselves depend on (the gateway: Redis for its shared limits).
  for (const { instance } of mounted) checks.push(...((await instance.dependencies?.()) ?? []));
  return checks;
}

/** Installs SIGTERM/SIGINT handlers that stop the platform once, with a deadline. */
export function stopOnSignals(platform: RunningPlatform, logger: Logger, graceMs = 10_000) {
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, graceMs);
    deadline.unref();
    platform.stop().then(
      () => process.exit(0),
      (error) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
