// Family Planner: families and roles, todo lists, the family calendar, on family_db.
import type { ServiceDefinition } from '../platform/http/service.ts';

export const familyService: ServiceDefinition = {
  name: 'family',
  prefix: '/family',
  title: 'Family Planner',
  description: 'Families and roles, shared todo lists and the family calendar.',
  database: 'family',
  create: () => ({ routes: () => undefined }),
};
