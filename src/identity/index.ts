// The identity service: the CALOS account every app shares (users, devices, sessions,
// credits, bring-your-own keys, plans), on the calos_identity database.
import type { ServiceDefinition } from '../platform/http/service.ts';

export const identityService: ServiceDefinition = {
  name: 'identity',
  prefix: '/calos',
  title: 'CALOS identity',
  description:
    'One CALOS account for every app: sign-up and sign-in, devices, credits, bring-your-own keys, plans.',
  database: 'identity',
  routes: () => undefined,
};
