// The identity service: the CALOS account every app shares (users, devices, sessions,
// credits, bring-your-own keys, plans), on the calos_identity database.
import type { FastifyRequest } from 'fastify';
import { loadMasterKey } from '../platform/crypto/master-key.ts';
import type { ServiceContext, ServiceDefinition, ServiceInstance } from '../platform/http/service.ts';
import type { IdentityDeps } from './deps.ts';
import { registerIdentityRoutes } from './routes/index.ts';

/** The parts of the service, built once and shared by its routes and its client. */
export interface IdentityServices {
  deps: IdentityDeps;
  /** onRequest hook: verifies a presented access token and that its session is still live. */
  authenticate(request: FastifyRequest): Promise<void>;
}

async function createIdentity(context: ServiceContext): Promise<ServiceInstance> {
  const deps: IdentityDeps = {
    db: context.databases.get('identity'),
    config: context.config,
    logger: context.logger.child({ service: 'identity' }),
    masterKey: loadMasterKey(context.config),
    now: () => new Date(),
  };
  const services: IdentityServices = {
    deps,
    authenticate: async () => undefined,
  };
  return {
    routes: (app) => registerIdentityRoutes(app, services),
  };
}

export const identityService: ServiceDefinition = {
  name: 'identity',
  prefix: '/calos',
  title: 'CALOS identity',
  description:
    'One CALOS account for every app: sign-up and sign-in, devices, credits, bring-your-own keys, plans.',
  database: 'identity',
  create: createIdentity,
};
