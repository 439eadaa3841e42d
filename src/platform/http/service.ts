// What a service hands the platform: where it is mounted, how to build it from the shared
// context, and what the built instance offers (routes, a client for other services, and
// background work started and stopped with the process).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { TokenVerifier } from '../auth/guard.ts';
import type { RevocationList } from '../auth/revocations.ts';
import type { Clock } from '../clock.ts';
import type { Config, ServiceName } from '../config.ts';
import type { DatabaseName } from '../databases.ts';
import type { DBPoolManager } from '../db/pool-manager.ts';
import type { EventBus } from '../events/nats-bus.ts';
import type { Logger } from '../logger.ts';
import type { DependencyStatus } from './server.ts';

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** Other services' clients, by service name; each service casts to the client type it imports. */
export class ClientRegistry {
  readonly #clients = new Map<ServiceName, unknown>();

  register(name: ServiceName, client: unknown): void {
    this.#clients.set(name, client);
  }

  get<T>(name: ServiceName): T {
    const client = this.#clients.get(name);
    if (!client)
      throw new Error(`No ${name} client in this process (is ${name} served here or configured by URL?)`);
    return client as T;
  }

  has(name: ServiceName): boolean {
    return this.#clients.has(name);
  }
}

export interface ServiceContext {
  config: Config;
  databases: DBPoolManager;
  logger: Logger;
  /** Verifies CALOS access tokens with identity's public keys (and refuses revoked ones). */
  verifier: TokenVerifier;
  /** Ended sessions and deleted accounts, as this process knows them (see platform/auth/revocations.ts). */
  revocations: RevocationList;
  clients: ClientRegistry;
  /** The time, for everything the service decides or records. */
  clock: Clock;
  /** Events between processes (NATS JetStream), when CALOS_NATS_URL is set. */
  events?: EventBus;
}

export interface ServiceInstance<Client = unknown> {
  routes(app: App): Promise<void> | void;
  /** Routes at the root of the server, outside the service's prefix (e.g. /.well-known discovery). */
  rootRoutes?(app: App): Promise<void> | void;
  /** What other services may call (the service's client.ts interface). */
  client?: Client;
  /** Background work (outbox consumers, health loops), started once the server listens. */
  start?(): Promise<void> | void;
  stop?(): Promise<void> | void;
  /** What the operator should know once it has started (printed by `calos start`), in words. */
  notices?(): string[];
  /** What the service needs that may be down (e.g. Redis): /readyz names each that is, as degraded. */
  dependencies?(): Promise<DependencyStatus[]>;
}

export interface ServiceDefinition<Client = unknown> {
  name: ServiceName;
  /** URL prefix on the shared server, e.g. '/hollowtown'. */
  prefix: string;
  title: string;
  description: string;
  /** The one database this service owns, if any. */
  database?: DatabaseName;
  create(context: ServiceContext): Promise<ServiceInstance<Client>> | ServiceInstance<Client>;
}

export interface MountedService {
  definition: ServiceDefinition;
  instance: ServiceInstance;
}
