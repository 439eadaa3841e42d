// What a service hands the HTTP kit: where it is mounted and how to add its routes.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { Config, ServiceName } from '../config.ts';
import type { DatabaseName } from '../databases.ts';
import type { DBPoolManager } from '../db/pool-manager.ts';

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export interface ServiceContext {
  config: Config;
  databases: DBPoolManager;
}

export interface ServiceDefinition {
  name: ServiceName;
  /** URL prefix on the shared server, e.g. '/hollowtown'. */
  prefix: string;
  title: string;
  description: string;
  /** The one database this service owns, if any. */
  database?: DatabaseName;
  routes(app: App, context: ServiceContext): Promise<void> | void;
}
