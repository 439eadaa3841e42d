// HowToCookAtHome's views: recipes (browse and filter, a recipe scaled to any servings and
// rated, your own written or edited, one generated with AI), cookbooks, meal plans, pantry,
// shopping lists.
import type { ViewProps } from '../shared/app-shell.tsx';
import { Cookbooks } from './cookbooks.tsx';
import { GenerateRecipe } from './generate-recipe.tsx';
import { Halloween } from './halloween.tsx';
import { ImportRecipe } from './import-recipe.tsx';
import { Market, MarketPurchases, MarketSelling } from './market.tsx';
import { MealPlans } from './meal-plans.tsx';
import { Pantry } from './pantry.tsx';
import { RecipeBrowser } from './recipe-browser.tsx';
import { RecipeDetail } from './recipe-detail.tsx';
import { RecipeEditor } from './recipe-form.tsx';
import { Shopping } from './shopping-lists.tsx';

/** recipes?new, ?generate, ?import, ?id=…(&edit=1), or the list with its filters. */
export function Recipes(props: ViewProps) {
  const { params } = props;
  const id = params.get('id');
  if (params.has('new')) return <RecipeEditor props={props} />;
  if (params.has('generate')) return <GenerateRecipe props={props} />;
  if (params.has('import')) return <ImportRecipe props={props} />;
  if (id && params.get('edit')) return <RecipeEditor key={id} props={props} id={id} />;
  if (id) return <RecipeDetail key={id} props={props} id={id} />;
  return <RecipeBrowser key={params.toString()} props={props} />;
}

export const RECIPES_VIEWS = {
  recipes: Recipes,
  cookbooks: Cookbooks,
  'meal-plans': MealPlans,
  pantry: Pantry,
  shopping: Shopping,
  halloween: Halloween,
  market: Market,
  'market-purchases': MarketPurchases,
  'market-selling': MarketSelling,
};
