// Every HTTP route of the identity service, under /calos.
import type { App } from '../../platform/http/service.ts';
import type { IdentityServices } from '../index.ts';

export async function registerIdentityRoutes(app: App, services: IdentityServices): Promise<void> {
  app.addHook('onRequest', services.authenticate);
  // Each area registers its routes here.
  void app;
  void services;
}
