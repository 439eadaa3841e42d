// Hollowtown's sample data: spooky recipes, the party planned with the family and its priced
// shopping list, two more events, costumes with votes and the haunted house.
import type { Caller, Json } from './caller.ts';

export async function seedHalloween(
  morticia: Caller,
  gomez: Caller,
  wednesday: Caller,
  familyId: string,
  soupId: string,
): Promise<string> {
  const spooky = (who: Caller, body: Record<string, unknown>) =>
    who('hollowtown', '/api/recipes/spooky', { body: { is_published: true, ...body } });
  const dirtCups = await spooky(morticia, {
    recipe_name: 'Graveyard dirt cups',
    description: 'Chocolate pudding under crushed-cookie soil, with gummy worms crawling out.',
    spookiness_level: 7,
    difficulty: 'easy',
    prep_time_minutes: 20,
    serves: 6,
    ingredients: [
      { name: 'chocolate pudding', quantity: 750, unit: 'g' },
      { name: 'chocolate cookies', quantity: 12, unit: 'count' },
      { name: 'gummy worms', quantity: 18, unit: 'piece' },
    ],
    instructions: ['Crush the cookies.', 'Layer pudding and crumbs in cups.', 'Plant the worms.'],
    tags: ['dessert', 'kids'],
  });
  // Morticia keeps a copy among her HowToCookAtHome recipes, which follows her edits here.
  await morticia('hollowtown', `/api/recipes/spooky/${dirtCups.recipe_id}/share`, {
    body: { to: 'recipes' },
  });
  await spooky(morticia, {
    recipe_name: 'Bleeding heart beet soup',
    description: 'A deep red soup that drips just right.',
    spookiness_level: 9,
    difficulty: 'medium',
    prep_time_minutes: 45,
    serves: 4,
    ingredients: [
      { name: 'beetroot', quantity: 800, unit: 'g' },
      { name: 'sour cream', quantity: 150, unit: 'ml' },
    ],
    instructions: ['Roast the beets.', 'Blend with stock.', 'Drizzle the sour cream in a heart.'],
    tags: ['soup'],
  });
  await spooky(gomez, {
    recipe_name: 'Witch finger cookies',
    description: 'Shortbread fingers with almond nails and a smear of raspberry jam.',
    spookiness_level: 8,
    difficulty: 'medium',
    prep_time_minutes: 40,
    serves: 24,
    ingredients: [
      { name: 'butter', quantity: 225, unit: 'g' },
      { name: 'flour', quantity: 350, unit: 'g' },
      { name: 'almonds', quantity: 24, unit: 'piece' },
    ],
    instructions: [
      'Roll the dough into fingers.',
      'Press in an almond nail.',
      'Bake at 160 °C for 20 minutes.',
    ],
    tags: ['baking'],
  });
  await spooky(wednesday, {
    recipe_name: 'Mummy sausage rolls',
    description: 'Pastry bandages, two peppercorn eyes.',
    spookiness_level: 5,
    difficulty: 'easy',
    prep_time_minutes: 30,
    serves: 8,
    tags: ['savoury', 'kids'],
  });

  const halloween = `${new Date().getFullYear() + 1}-10-31`;
  const party = await morticia('hollowtown', '/api/events', {
    body: {
      event_name: 'Monster mash',
      event_type: 'party',
      event_date: halloween,
      location: '0001 Cemetery Lane',
      guest_count: 12,
      budget_cents: 15000,
      family_id: familyId,
      shopping_list: [
        { name: 'carving pumpkins', quantity: 4, estimated_cost_cents: 2400 },
        { name: 'fog fluid', quantity: 1, estimated_cost_cents: 1800 },
      ],
    },
  });
  const partyId = party.event_id as string;
  await morticia('hollowtown', `/api/events/${partyId}/recipes`, {
    body: { domain: 'hollowtown', recipe_id: dirtCups.recipe_id },
  });
  await morticia('hollowtown', `/api/events/${partyId}/recipes`, {
    body: { domain: 'recipes', recipe_id: soupId },
  });
  const made = await morticia('hollowtown', `/api/events/${partyId}/shopping-list`, { method: 'POST' });

  // Gomez prices the family list in Family Planner and has already bought the pumpkin; the cream is
  // left unpriced, as happens.
  const list = await gomez('family', `/api/shopping-lists/${made.list_id}`);
  const prices: Record<string, number> = {
    'chocolate pudding': 899,
    'chocolate cookies': 450,
    'gummy worms': 325,
    pumpkin: 1200,
    onion: 180,
    'vegetable stock': 240,
  };
  for (const item of list.items as Json[]) {
    const price = prices[item.name];
    if (price === undefined) continue;
    await gomez('family', `/api/shopping-lists/${made.list_id}/items/${item.item_id}`, {
      method: 'PATCH',
      body: { cost_cents: price, ...(item.name === 'pumpkin' ? { checked: true } : {}) },
    });
  }

  await gomez('hollowtown', '/api/events', {
    body: {
      event_name: 'Séance supper',
      event_type: 'party',
      event_date: `${new Date().getFullYear() + 1}-10-29`,
      guest_count: 6,
      budget_cents: 8000,
      family_id: familyId,
    },
  });
  await morticia('hollowtown', '/api/events', {
    body: {
      event_name: 'Trick-or-treat round',
      event_type: 'trick-or-treat',
      event_date: halloween,
      guest_count: 5,
      budget_cents: 4000,
      shopping_list: [{ name: 'glow sticks', quantity: 20, estimated_cost_cents: 1299 }],
    },
  });

  const costumes = [];
  for (const [who, costume] of [
    [
      morticia,
      {
        costume_name: 'Cardboard robot',
        difficulty: 'easy',
        cost_estimate_cents: 800,
        description: 'Boxes, foil and bottle caps.',
        materials: [{ name: 'cardboard boxes', quantity: 3 }, { name: 'kitchen foil' }],
      },
    ],
    [
      gomez,
      {
        costume_name: 'Plague doctor',
        difficulty: 'hard',
        cost_estimate_cents: 4500,
        description: 'A beak mask, a wide-brimmed hat and a long black coat.',
        materials: [{ name: 'leather beak mask' }, { name: 'wide-brimmed hat' }, { name: 'black coat' }],
        image_url: 'https://images.example.com/costumes/plague-doctor.jpg',
      },
    ],
    [
      wednesday,
      {
        costume_name: 'Raven',
        difficulty: 'medium',
        cost_estimate_cents: 1500,
        description: 'Black feathers sewn on a hoodie, and a yellow card beak.',
        materials: [
          { name: 'black hoodie' },
          { name: 'black feathers', quantity: 200 },
          { name: 'yellow card' },
        ],
      },
    ],
  ] as const)
    costumes.push(await who('hollowtown', '/api/costumes', { body: costume }));
  for (const [who, index] of [
    [morticia, 1],
    [wednesday, 1],
    [gomez, 2],
    [morticia, 2],
    [wednesday, 0],
  ] as const)
    await who('hollowtown', `/api/costumes/${costumes[index].costume_id}/upvote`, { method: 'POST' });

  await morticia('hollowtown', '/api/haunted-house/plans', {
    body: {
      room_name: 'Crypt of whispers',
      scare_level: 9,
      props_needed: [{ name: 'fog machine' }, { name: 'plastic skulls', quantity: 12 }],
      setup_instructions: ['Black out the windows.', 'Hide a speaker behind the coffin.'],
    },
  });
  await morticia('hollowtown', '/api/haunted-house/plans', {
    body: {
      room_name: 'Spider parlour',
      scare_level: 6,
      props_needed: [
        { name: 'stretchy cobweb', quantity: 3 },
        { name: 'rubber spiders', quantity: 40 },
      ],
      setup_instructions: ['Web every corner.', 'Dangle spiders at head height by the door.'],
    },
  });
  return partyId;
}
