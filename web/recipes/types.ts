// The shapes HowToCookAtHome's API answers with, as the pages use them (src/recipes/routes).

export type { Page } from '../shared/api.ts';

import type { Answer } from '../api/answers.ts';
import type { paths } from '../api/generated/recipes.ts';

/** A recipe as GET /api/recipes/{id} answers it (the server's OpenAPI document says so). */
export type RecipeDetail = Answer<paths, '/api/recipes/{id}', 'get'>;
/** A recipe in a list (GET /api/recipes): the same fields but your rating and the scaling. */
export type Recipe = Answer<paths, '/api/recipes', 'get'>['items'][number];
export type GeneratedRecipe = Answer<paths, '/api/recipes/generate', 'post'>;
export type ImportedRecipe = Answer<paths, '/api/recipes/import', 'post'>;
export type Difficulty = Recipe['difficulty'];
export type Ingredient = Recipe['ingredients'][number];
export type Nutrition = Recipe['nutrition'];
/** A copy shared from another app: it follows its original until detached. */
export type SharedSource = Exclude<Recipe['source'], string>;

export const isSharedCopy = (source: Recipe['source']): source is SharedSource => typeof source === 'object';

export const DIFFICULTIES: ReadonlyArray<readonly [Difficulty, string]> = [
  ['easy', 'Easy'],
  ['medium', 'Medium'],
  ['hard', 'Hard'],
];

export type MealPlan = Answer<paths, '/api/meal-plans/{id}', 'get'>;
export type ShoppingList = Answer<paths, '/api/shopping-lists/{id}', 'get'>;
export type ShoppingItem = ShoppingList['items'][number];

export type Cookbook = Answer<paths, '/api/cookbooks/{id}', 'get'>;
export type CookbookRecipe = Answer<paths, '/api/cookbooks/{id}/recipes/{recipeId}', 'get'>;
export type RecipeComment = Answer<paths, '/api/recipes/{id}/comments', 'get'>['items'][number];
export type CookbookVisibility = Cookbook['visibility'];
