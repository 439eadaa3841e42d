// Sample recipes for the development Ollama stand-in: real, cookable dishes (written for this
// project, public domain), half of them for Halloween, so generation in the apps shows
// something worth reading without a GPU.

export interface SampleRecipe {
  recipe_name: string;
  description: string;
  cuisine: string;
  isSpooky: boolean;
  spookiness_level: number;
  difficulty: 'easy' | 'medium' | 'hard';
  prep_time_minutes: number;
  cook_time_minutes: number;
  serves: number;
  calories: number;
  ingredients: { name: string; quantity: number | null; unit: string | null; note: string | null }[];
  instructions: string[];
  allergens: string[];
  tags: string[];
}

const item = (name: string, quantity: number | null, unit: string | null, note: string | null = null) => ({
  name,
  quantity,
  unit,
  note,
});

export const RECIPE_BOOK: SampleRecipe[] = [
  {
    recipe_name: 'Jack-o’-Lantern Pumpkin Soup',
    description: 'A velvety roasted pumpkin soup with a swirl of cream carved into a spider web.',
    cuisine: 'American',
    isSpooky: true,
    spookiness_level: 4,
    difficulty: 'easy',
    prep_time_minutes: 20,
    cook_time_minutes: 40,
    serves: 4,
    calories: 220,
    ingredients: [
      item('pumpkin', 1, 'kg', 'peeled and cubed'),
      item('onion', 1, null, 'chopped'),
      item('garlic', 2, 'clove'),
      item('vegetable stock', 750, 'ml'),
      item('double cream', 100, 'ml'),
      item('olive oil', 2, 'tbsp'),
      item('nutmeg', 1, 'pinch'),
    ],
    instructions: [
      'Heat the oven to 200 °C. Toss the pumpkin with the oil and roast for 30 minutes.',
      'Soften the onion and garlic in a large pan for 8 minutes.',
      'Add the roasted pumpkin and the stock, simmer for 10 minutes, then blend until smooth.',
      'Season with nutmeg, salt and pepper. Serve with a spiral of cream dragged into a web with a skewer.',
    ],
    allergens: ['milk'],
    tags: ['soup', 'vegetarian', 'halloween'],
  },
  {
    recipe_name: 'Graveyard Dirt Cups',
    description: 'Chocolate pudding under cookie-crumb soil, with gummy worms crawling out of the graves.',
    cuisine: 'American',
    isSpooky: true,
    spookiness_level: 6,
    difficulty: 'easy',
    prep_time_minutes: 25,
    cook_time_minutes: 5,
    serves: 6,
    calories: 340,
    ingredients: [
      item('whole milk', 500, 'ml'),
      item('dark chocolate', 100, 'g', 'chopped'),
      item('cornflour', 3, 'tbsp'),
      item('sugar', 60, 'g'),
      item('chocolate sandwich cookies', 12, null, 'crushed'),
      item('gummy worms', 24, null),
      item('rectangular biscuits', 6, null, 'for the headstones'),
    ],
    instructions: [
      'Whisk the cornflour and sugar into the cold milk, then heat, stirring, until it thickens.',
      'Take it off the heat and stir in the chocolate until smooth. Cool for 20 minutes.',
      'Spoon the pudding into six cups and cover with the crushed cookies.',
      'Push a biscuit headstone into each cup and let four gummy worms crawl out of the soil.',
    ],
    allergens: ['milk', 'gluten'],
    tags: ['dessert', 'kids', 'halloween'],
  },
  {
    recipe_name: 'Mummy Sausage Rolls',
    description:
      'Sausages wrapped in strips of puff pastry like bandages, with two mustard eyes peeking out.',
    cuisine: 'British',
    isSpooky: true,
    spookiness_level: 5,
    difficulty: 'easy',
    prep_time_minutes: 15,
    cook_time_minutes: 20,
    serves: 8,
    calories: 260,
    ingredients: [
      item('puff pastry', 320, 'g', 'one ready-rolled sheet'),
      item('pork sausages', 8, null),
      item('egg', 1, null, 'beaten'),
      item('mustard', 1, 'tsp'),
    ],
    instructions: [
      'Heat the oven to 200 °C and cut the pastry into thin strips.',
      'Wrap each sausage in strips, leaving a gap near one end for the face.',
      'Brush with the egg and bake for 20 minutes until golden.',
      'Dot two mustard eyes into each gap and serve warm.',
    ],
    allergens: ['gluten', 'egg', 'mustard'],
    tags: ['party food', 'halloween'],
  },
  {
    recipe_name: 'Witch’s Brew Green Punch',
    description: 'A fizzing lime and apple punch with a floating ice hand.',
    cuisine: 'American',
    isSpooky: true,
    spookiness_level: 7,
    difficulty: 'easy',
    prep_time_minutes: 10,
    cook_time_minutes: 0,
    serves: 10,
    calories: 120,
    ingredients: [
      item('apple juice', 1, 'l'),
      item('lime cordial', 200, 'ml'),
      item('sparkling water', 1, 'l', 'chilled'),
      item('lime', 2, null, 'sliced'),
      item('water', 500, 'ml', 'frozen overnight in a clean rubber glove'),
    ],
    instructions: [
      'Pour the apple juice and lime cordial into a large bowl.',
      'Top up with the sparkling water just before the guests arrive.',
      'Peel the glove off the frozen hand and float it in the punch with the lime slices.',
    ],
    allergens: [],
    tags: ['drink', 'alcohol-free', 'halloween'],
  },
  {
    recipe_name: 'Bloody Beetroot Risotto',
    description: 'A deep crimson risotto with goat’s cheese and toasted walnuts.',
    cuisine: 'Italian',
    isSpooky: true,
    spookiness_level: 6,
    difficulty: 'medium',
    prep_time_minutes: 15,
    cook_time_minutes: 30,
    serves: 4,
    calories: 480,
    ingredients: [
      item('risotto rice', 300, 'g'),
      item('cooked beetroot', 250, 'g', 'grated'),
      item('vegetable stock', 1, 'l', 'hot'),
      item('shallot', 1, null, 'finely chopped'),
      item('butter', 30, 'g'),
      item('goat’s cheese', 100, 'g'),
      item('walnuts', 40, 'g', 'toasted'),
    ],
    instructions: [
      'Soften the shallot in the butter, then stir in the rice for a minute.',
      'Add the stock a ladle at a time, stirring, for about 18 minutes.',
      'Stir in the beetroot for the last 3 minutes, until the rice is blood red and tender.',
      'Serve topped with crumbled goat’s cheese and walnuts.',
    ],
    allergens: ['milk', 'nuts'],
    tags: ['vegetarian', 'dinner', 'halloween'],
  },
  {
    recipe_name: 'Lemon Herb Roast Chicken',
    description: 'A weeknight roast chicken with lemon, garlic and thyme, and potatoes in the same tin.',
    cuisine: 'French',
    isSpooky: false,
    spookiness_level: 1,
    difficulty: 'easy',
    prep_time_minutes: 15,
    cook_time_minutes: 75,
    serves: 4,
    calories: 560,
    ingredients: [
      item('whole chicken', 1.6, 'kg'),
      item('lemon', 1, null),
      item('garlic', 1, 'head', 'halved'),
      item('thyme', 4, 'sprig'),
      item('potatoes', 800, 'g', 'in chunks'),
      item('olive oil', 3, 'tbsp'),
    ],
    instructions: [
      'Heat the oven to 200 °C. Put the potatoes and garlic in a roasting tin with the oil.',
      'Stuff the chicken with the halved lemon and thyme, season well and sit it on the potatoes.',
      'Roast for 75 minutes, until the juices run clear.',
      'Rest for 10 minutes before carving.',
    ],
    allergens: [],
    tags: ['dinner', 'sunday roast'],
  },
  {
    recipe_name: 'Tomato and Lentil Soup',
    description: 'A thick red lentil soup with tomatoes and cumin, ready in half an hour.',
    cuisine: 'Turkish',
    isSpooky: false,
    spookiness_level: 1,
    difficulty: 'easy',
    prep_time_minutes: 10,
    cook_time_minutes: 25,
    serves: 4,
    calories: 290,
    ingredients: [
      item('red lentils', 200, 'g', 'rinsed'),
      item('chopped tomatoes', 400, 'g', 'one tin'),
      item('onion', 1, null),
      item('ground cumin', 1, 'tsp'),
      item('vegetable stock', 1, 'l'),
      item('olive oil', 2, 'tbsp'),
    ],
    instructions: [
      'Soften the onion in the oil for 5 minutes, then add the cumin for a minute.',
      'Add the lentils, tomatoes and stock and simmer for 20 minutes.',
      'Blend until smooth and season to taste.',
    ],
    allergens: [],
    tags: ['soup', 'vegan', 'quick'],
  },
  {
    recipe_name: 'Spinach and Ricotta Pasta Bake',
    description: 'Pasta in a creamy spinach and ricotta sauce, baked under mozzarella.',
    cuisine: 'Italian',
    isSpooky: false,
    spookiness_level: 1,
    difficulty: 'easy',
    prep_time_minutes: 15,
    cook_time_minutes: 30,
    serves: 4,
    calories: 610,
    ingredients: [
      item('penne', 400, 'g'),
      item('spinach', 200, 'g'),
      item('ricotta', 250, 'g'),
      item('passata', 500, 'ml'),
      item('mozzarella', 125, 'g', 'torn'),
      item('garlic', 2, 'clove', 'crushed'),
    ],
    instructions: [
      'Cook the pasta 2 minutes short of the packet time and drain.',
      'Wilt the spinach with the garlic, then stir in the ricotta and passata.',
      'Mix with the pasta, tip into a dish and top with the mozzarella.',
      'Bake at 200 °C for 20 minutes until bubbling.',
    ],
    allergens: ['gluten', 'milk'],
    tags: ['vegetarian', 'family'],
  },
];
