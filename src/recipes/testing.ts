// Factories for the recipes tests: build rows through the public API, as a user would.
import type { InjectOptions } from 'fastify';
import type { TestUser } from '../../test/support/given.ts';
import type { TestPlatform } from '../../test/support/platform.ts';

export const carbonara = {
  recipe_name: 'Spaghetti carbonara',
  description: 'Roman classic',
  cuisine: 'Italian',
  difficulty: 'medium',
  prep_time_minutes: 10,
  cook_time_minutes: 15,
  serves: 4,
  calories: 620,
  ingredients: [
    { name: 'spaghetti', quantity: 400, unit: 'g' },
    { name: 'eggs', quantity: 4, unit: 'count', note: 'yolks only' },
    { name: 'pecorino romano', quantity: 100, unit: 'g' },
    { name: 'black pepper', quantity: null, unit: null, note: 'to taste' },
  ],
  instructions: ['Boil the pasta.', 'Toss with eggs and cheese.'],
  nutrition: { protein_g: 28, carbs_g: 75, fat_g: 22 },
  allergens: ['Gluten', 'eggs', 'milk'],
  tags: ['pasta', 'Quick'],
};

/** A good answer from the AI to a recipe request. */
export const generatedAnswer = {
  recipe_name: 'Pumpkin risotto',
  description: 'Creamy and autumnal.',
  cuisine: 'italian',
  difficulty: 'medium',
  prep_time_minutes: 15,
  cook_time_minutes: 30,
  serves: 2,
  calories: 540,
  ingredients: [
    { name: 'arborio rice', quantity: 160, unit: 'g', note: null },
    { name: 'pumpkin', quantity: 300, unit: 'g', note: 'diced' },
    { name: 'vegetable stock', quantity: 1, unit: 'l' },
    { name: 'parmesan', quantity: 40, unit: 'g' },
    { name: 'salt', quantity: null, unit: null },
  ],
  instructions: ['Roast the pumpkin.', 'Toast the rice.', 'Add stock ladle by ladle.', 'Stir in the cheese.'],
  nutrition: { protein_g: 14, carbs_g: 80, fat_g: 12 },
  allergens: ['milk'],
  tags: ['risotto', 'autumn'],
};

export function recipesApi(platform: TestPlatform) {
  const inject = async (user: TestUser | undefined, options: InjectOptions) =>
    platform.app.inject({ ...options, headers: { ...(user?.headers ?? {}), ...(options.headers ?? {}) } });
  const created = async (user: TestUser, url: string, payload: unknown) => {
    const response = await inject(user, {
      method: 'POST',
      url,
      payload: payload as InjectOptions['payload'],
    });
    if (response.statusCode !== 201) throw new Error(`POST ${url}: ${response.statusCode} ${response.body}`);
    return response.json();
  };
  return {
    inject,
    get: (user: TestUser | undefined, url: string) => inject(user, { method: 'GET', url }),
    post: (user: TestUser | undefined, url: string, payload?: unknown) =>
      inject(user, { method: 'POST', url, payload: payload as InjectOptions['payload'] }),
    patch: (user: TestUser | undefined, url: string, payload: unknown) =>
      inject(user, { method: 'PATCH', url, payload: payload as InjectOptions['payload'] }),
    put: (user: TestUser | undefined, url: string, payload?: unknown) =>
      inject(user, { method: 'PUT', url, payload: payload as InjectOptions['payload'] }),
    delete: (user: TestUser | undefined, url: string) => inject(user, { method: 'DELETE', url }),
    recipe: (user: TestUser, overrides: Record<string, unknown> = {}) =>
      created(user, '/recipes/api/recipes', { ...carbonara, ...overrides }),
    mealPlan: (user: TestUser, body: Record<string, unknown>) =>
      created(user, '/recipes/api/meal-plans', body),
    pantryItem: (user: TestUser, body: Record<string, unknown>) =>
      created(user, '/recipes/api/pantry/items', body),
    shoppingList: (user: TestUser, body: Record<string, unknown>) =>
      created(user, '/recipes/api/shopping-lists', body),
  };
}
