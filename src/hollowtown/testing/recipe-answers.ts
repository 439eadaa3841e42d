// Model answers for the generation tests (test-only).

/** A recipe answer that passes every check; override fields to break it. */
export const goodAnswer = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    recipe_name: 'Pumpkin patch brownies',
    description: 'Fudgy brownies under green-frosting vines and candy pumpkins.',
    spookiness_level: 4,
    difficulty: 'easy',
    prep_time_minutes: 45,
    serves: 12,
    ingredients: [
      { name: 'dark chocolate', quantity: 200, unit: 'g', note: null },
      { name: 'candy pumpkins', quantity: 12, unit: 'piece', note: 'one per brownie' },
      { name: 'salt', quantity: null, unit: null, note: 'a pinch' },
    ],
    instructions: ['Melt the chocolate.', 'Bake for 25 minutes.', 'Decorate with vines and pumpkins.'],
    tags: ['Chocolate', 'kids friendly!', 'halloween'],
    ...overrides,
  });
