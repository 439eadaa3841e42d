// HowToCookAtHome's sample data: recipes, ratings, three meal plans, the pantry and this week's shopping.
import type { Caller, Json } from './caller.ts';
import { daysFrom, isoDay } from './dates.ts';

export async function seedCooking(morticia: Caller, gomez: Caller, wednesday: Caller) {
  const recipe = (body: Record<string, unknown>) =>
    morticia('recipes', '/api/recipes', { body: { is_published: true, ...body } });
  const rice = await recipe({
    recipe_name: 'Lemon herb rice',
    description: 'Fluffy rice with lemon zest and a fistful of parsley; good beside fish or on its own.',
    cuisine: 'Mediterranean',
    difficulty: 'easy',
    prep_time_minutes: 5,
    cook_time_minutes: 20,
    serves: 4,
    calories: 310,
    ingredients: [
      { name: 'basmati rice', quantity: 300, unit: 'g' },
      { name: 'lemons', quantity: 2, unit: null, note: 'zest and juice' },
      { name: 'parsley', quantity: 1, unit: 'bunch', note: 'chopped' },
      { name: 'butter', quantity: 20, unit: 'g' },
      { name: 'salt', quantity: null, unit: null, note: 'to taste' },
    ],
    instructions: [
      'Rinse the rice until the water runs clear.',
      'Simmer it with 450 ml water, the zest and a pinch of salt for 12 minutes, lid on.',
      'Rest 5 minutes off the heat, then stir in the butter, lemon juice and parsley.',
    ],
    nutrition: { protein_g: 6, carbs_g: 64, fat_g: 4 },
    allergens: ['milk'],
    tags: ['side', 'vegetarian'],
  });
  const pasta = await recipe({
    recipe_name: 'Weeknight tomato pasta',
    cuisine: 'Italian',
    difficulty: 'easy',
    cook_time_minutes: 25,
    serves: 2,
    calories: 540,
    ingredients: [
      { name: 'spaghetti', quantity: 200, unit: 'g' },
      { name: 'chopped tomatoes', quantity: 400, unit: 'g' },
      { name: 'garlic', quantity: 2, unit: 'clove' },
      { name: 'olive oil', quantity: 2, unit: 'tbsp' },
    ],
    instructions: [
      'Boil the pasta.',
      'Fry the garlic in the oil, add the tomatoes and simmer.',
      'Toss together.',
    ],
    allergens: ['gluten'],
    tags: ['pasta', 'quick'],
  });
  const soup = await recipe({
    recipe_name: 'Roast pumpkin soup',
    description: 'Velvety and sweet; the roasting does the work.',
    cuisine: 'British',
    difficulty: 'easy',
    prep_time_minutes: 15,
    cook_time_minutes: 45,
    serves: 4,
    calories: 280,
    ingredients: [
      { name: 'pumpkin', quantity: 1, unit: 'kg', note: 'peeled and cubed' },
      { name: 'onion', quantity: 1, unit: null },
      { name: 'vegetable stock', quantity: 750, unit: 'ml' },
      { name: 'cream', quantity: 200, unit: 'ml' },
    ],
    instructions: [
      'Roast the pumpkin and onion at 200 °C for 35 minutes.',
      'Simmer with the stock for 10 minutes.',
      'Blend with the cream and season.',
    ],
    allergens: ['milk'],
    tags: ['soup', 'autumn'],
  });
  const shakshuka = await recipe({
    recipe_name: 'Shakshuka',
    cuisine: 'Middle Eastern',
    difficulty: 'medium',
    cook_time_minutes: 30,
    serves: 2,
    calories: 390,
    ingredients: [
      { name: 'eggs', quantity: 4, unit: null },
      { name: 'chopped tomatoes', quantity: 400, unit: 'g' },
      { name: 'red peppers', quantity: 2, unit: null },
      { name: 'cumin', quantity: 1, unit: 'tsp' },
    ],
    instructions: [
      'Soften the peppers with the cumin.',
      'Add the tomatoes and simmer.',
      'Crack in the eggs and cover.',
    ],
    allergens: ['eggs'],
    tags: ['breakfast', 'vegetarian'],
  });
  const oats = await recipe({
    recipe_name: 'Overnight oats',
    difficulty: 'easy',
    prep_time_minutes: 5,
    serves: 1,
    calories: 350,
    ingredients: [
      { name: 'rolled oats', quantity: 60, unit: 'g' },
      { name: 'milk', quantity: 150, unit: 'ml' },
      { name: 'blueberries', quantity: 80, unit: 'g' },
    ],
    instructions: ['Stir everything together in a jar.', 'Leave in the fridge overnight.'],
    allergens: ['milk', 'gluten'],
    tags: ['breakfast'],
  });
  await gomez('recipes', '/api/recipes', {
    body: {
      recipe_name: 'Paella valenciana',
      description: 'Gomez’s Sunday paella, with the crust at the bottom that everyone fights over.',
      cuisine: 'Spanish',
      difficulty: 'hard',
      prep_time_minutes: 20,
      cook_time_minutes: 40,
      serves: 6,
      calories: 610,
      ingredients: [
        { name: 'bomba rice', quantity: 400, unit: 'g' },
        { name: 'chicken thighs', quantity: 600, unit: 'g' },
        { name: 'saffron', quantity: 1, unit: 'pinch' },
      ],
      instructions: ['Brown the chicken.', 'Add rice, stock and saffron.', 'Do not stir.'],
      is_published: true,
    },
  });
  for (const [rater, id, rating] of [
    [gomez, rice.recipe_id, 5],
    [wednesday, rice.recipe_id, 4],
    [gomez, pasta.recipe_id, 4],
    [gomez, soup.recipe_id, 5],
  ] as const)
    await rater('recipes', `/api/recipes/${id}/rating`, { method: 'PUT', body: { rating } });

  const monday = new Date();
  monday.setDate(monday.getDate() - ((monday.getDay() + 6) % 7));
  const dinners = [rice, pasta, soup, shakshuka, pasta, soup, rice];
  const thisWeek: Record<string, Record<string, string>> = {};
  dinners.forEach((dinner, index) => {
    thisWeek[isoDay(daysFrom(monday, index))] = {
      breakfast: (index < 5 ? oats : shakshuka).recipe_id,
      ...(index === 5 ? { lunch: pasta.recipe_id } : {}),
      dinner: dinner.recipe_id,
    };
  });
  // The list shows the newest plan first, and opens it: this week's.
  const christmasEve = new Date(monday.getFullYear(), 11, 24);
  await morticia('recipes', '/api/meal-plans', {
    body: {
      plan_name: 'Christmas with Grandmama',
      start_date: isoDay(christmasEve),
      duration_days: 3,
      meals: { [isoDay(christmasEve)]: { dinner: soup.recipe_id } },
    },
  });

  const nextMonday = daysFrom(monday, 7);
  await morticia('recipes', '/api/meal-plans', {
    body: {
      plan_name: 'Next week',
      start_date: isoDay(nextMonday),
      duration_days: 7,
      meals: {
        [isoDay(nextMonday)]: { dinner: soup.recipe_id },
        [isoDay(daysFrom(nextMonday, 1))]: { dinner: shakshuka.recipe_id },
      },
    },
  });
  const week = await morticia('recipes', '/api/meal-plans', {
    body: { plan_name: 'This week', start_date: isoDay(monday), duration_days: 7, meals: thisWeek },
  });
  // The pantry first: the plan's shopping list leaves out what it holds.
  const soon = (days: number) => isoDay(daysFrom(new Date(), days));
  for (const item of [
    { item_name: 'Milk', quantity: 1, unit: 'l', location: 'fridge', expiration_date: soon(1) },
    { item_name: 'Greek yoghurt', quantity: 500, unit: 'g', location: 'fridge', expiration_date: soon(-1) },
    { item_name: 'Eggs', quantity: 6, unit: 'count', location: 'fridge', expiration_date: soon(9) },
    { item_name: 'Frozen peas', quantity: 900, unit: 'g', location: 'freezer' },
    { item_name: 'Basmati rice', quantity: 2, unit: 'kg', location: 'pantry' },
    { item_name: 'Olive oil', quantity: 750, unit: 'ml', location: 'pantry' },
  ])
    await morticia('recipes', '/api/pantry/items', { body: item });

  const shopping = await morticia('recipes', `/api/meal-plans/${week.plan_id}/shopping-list`, {
    method: 'POST',
    body: { store: 'Corner grocer' },
  });
  const prices: Record<string, number> = {
    blueberries: 400,
    'chopped tomatoes': 356,
    eggs: 289,
    pumpkin: 350,
    'rolled oats': 150,
    spaghetti: 129,
  };
  await morticia('recipes', `/api/shopping-lists/${shopping.list_id}`, {
    method: 'PATCH',
    body: {
      // The grocer is walked fruit first, then the cupboard.
      aisle_order: ['produce', 'pantry', 'dairy'],
      items: shopping.items.map((item: Json, index: number) => ({
        name: item.name,
        quantity: item.quantity,
        unit: item.unit,
        note: item.note,
        checked: index < 2,
        cost_cents: prices[item.name] ?? null,
      })),
    },
  });

  const cookbook = await morticia('recipes', '/api/cookbooks', {
    body: {
      title: 'Weeknight suppers',
      description: 'What we cook when the fog rolls in early.',
      visibility: 'public',
    },
  });
  for (const recipe of [soup, rice])
    await morticia('recipes', `/api/cookbooks/${cookbook.cookbook_id}/recipes/${recipe.recipe_id}`, {
      method: 'PUT',
    });

  return { riceId: rice.recipe_id as string, soupId: soup.recipe_id as string };
}
