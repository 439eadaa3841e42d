// What HowToCookAtHome is: its landing page, navigation and views.
import type { AppDefinition } from '../shared/app-shell.tsx';
import { RECIPES_VIEWS } from './views.tsx';

export const RECIPES: AppDefinition = {
  app: 'recipes',
  brand: { name: 'HowToCookAtHome', mark: '❦' },
  nav: [
    { view: 'recipes', label: 'Recipes' },
    { view: 'cookbooks', label: 'Cookbooks' },
    { view: 'meal-plans', label: 'Meal plans' },
    { view: 'pantry', label: 'Pantry' },
    { view: 'shopping', label: 'Shopping lists' },
    { view: 'market', label: 'Marketplace' },
    { view: 'halloween', label: 'Halloween' },
  ],
  landing: {
    title: 'Good food at home, every day of the week',
    lead: 'Recipes scaled to however many sit at your table, a week of meals planned in minutes, a pantry that tells you what to use first, and the shopping list that follows.',
    open: 'Open your kitchen',
    features: [
      {
        title: 'Recipes for any table',
        text: 'Filter by time, cuisine, calories and allergens; scale any recipe to the servings you need; rate what you cook; write your own or have the AI write one.',
      },
      {
        title: 'A week of meals',
        text: 'Keep as many plans as you like, fill breakfasts, lunches and dinners, and turn any plan into a shopping list.',
      },
      {
        title: 'Cookbooks',
        text: 'Gather recipes into cookbooks: keep them to yourself, share them with your family, or make them public.',
      },
      { title: 'Pantry', text: 'Know what is in the fridge, freezer and cupboard, and what expires soon.' },
      { title: 'Shopping lists', text: 'Tick off items as you shop, with costs that add up as you go.' },
      {
        title: 'Recipe books',
        text: 'Sell a cookbook of your own recipes for credits, or buy other cooks’ books and cook from all of them.',
      },
    ],
  },
  views: RECIPES_VIEWS,
  offline: true,
};
