// Hollowtown: Halloween recipes, party events, costumes and haunted-house plans, on hollowtown_db.
import type { ServiceDefinition } from '../platform/http/service.ts';

export const hollowtownService: ServiceDefinition = {
  name: 'hollowtown',
  prefix: '/hollowtown',
  title: 'Hollowtown',
  description: 'Your AI Halloween assistant: spooky recipes, events, costume ideas and haunted-house plans.',
  database: 'hollowtown',
  create: () => ({ routes: () => undefined }),
};
