// HowToCookAtHome: recipes, meal plans, pantry and shopping lists, on recipes_db.
import type { ServiceDefinition } from '../platform/http/service.ts';

export const recipesService: ServiceDefinition = {
  name: 'recipes',
  prefix: '/recipes',
  title: 'HowToCookAtHome',
  description: 'Recipes, meal plans, pantry and shopping lists.',
  database: 'recipes',
  create: () => ({ routes: () => undefined }),
};
