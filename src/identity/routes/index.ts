// Every HTTP route of the identity service, under /calos.
import type { App } from '../../platform/http/service.ts';
import type { IdentityServices } from '../index.ts';
import { registerAdminRoutes } from './admin.ts';
import { registerAdminPlanRoutes } from './admin-plans.ts';
import { registerAffiliateLinkRoutes } from './affiliate-links.ts';
import { registerApiKeyRoutes } from './api-keys.ts';
import { registerAuditRoutes } from './audit.ts';
import { registerAuthRoutes } from './auth.ts';
import { registerCreditsRoutes } from './credits.ts';
import { registerDeviceRoutes } from './devices.ts';
import { registerJwksRoute } from './jwks.ts';
import { registerKarmaRoutes } from './karma.ts';
import { registerMailRoutes } from './mail.ts';
import { registerOidcRoutes } from './oidc.ts';
import { registerPasskeyRoutes } from './passkeys.ts';
import { registerPaymentRoutes } from './payments.ts';
import { registerRecoveryRoutes } from './recovery.ts';
import { registerSubscriptionRoutes } from './subscription.ts';
import { registerTwoFactorRoutes } from './two-factor.ts';
import { registerWebSessionRoutes } from './web-session.ts';

export async function registerIdentityRoutes(app: App, services: IdentityServices): Promise<void> {
  app.addHook('onRequest', services.authenticate);
  // Each area registers its routes here.
  registerJwksRoute(app, services.tokens);
  registerAuthRoutes(app, services.deps, services.auth);
  registerRecoveryRoutes(app, services);
  registerTwoFactorRoutes(app, services);
  registerPasskeyRoutes(app, services);
  registerMailRoutes(app, services);
  registerAffiliateLinkRoutes(app, services.deps);
  registerDeviceRoutes(app, services.deps, services.devices, services.pairing);
  registerAuditRoutes(app, services.deps);
  registerApiKeyRoutes(app, services.deps);
  registerCreditsRoutes(app, services.deps);
  registerKarmaRoutes(app, services.deps);
  registerSubscriptionRoutes(app, services.deps);
  registerPaymentRoutes(app, services.deps);
  registerWebSessionRoutes(app, services.deps, services.auth);
  registerOidcRoutes(app, services);
  registerAdminRoutes(app, services.deps);
  registerAdminPlanRoutes(app, services.deps);
}
