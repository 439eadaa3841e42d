// The sample data of the marketplace and the operator console, made after the apps' own
// screenshots (so those stay as they were): the family and two more Addamses sell plans and
// costume patterns in Hollowtown and recipe books in HowToCookAtHome, and buy each other's; then, as staff, a refund, staff roles, and reports that
// put two items in the moderation queue.
import { createStaffService } from '../../../src/identity/index.ts';
import type { TestUser, WebPlatform } from '../support.ts';
import { type Caller, type Json, signIn, signUp } from './caller.ts';
import type { Cast } from './index.ts';

/** What the marketplace screenshots open directly. */
export interface MarketData {
  /** For sale, not bought by Morticia: its preview and the Pay button. */
  forSaleId: string;
  /** Bought by Morticia: the whole plan. */
  boughtId: string;
  /** Gomez's purchase that staff refund in the console. */
  refundableId: string;
  /** A recipe book Morticia bought in HowToCookAtHome: the whole book. */
  boughtBookId: string;
}

const extra = (username: string): TestUser => ({
  username,
  email: `${username}@example.com`,
  password: 'correct horse battery',
});

/** Two more of the family, who sell and report too. */
export const MORE = { fester: extra('fester'), lurch: extra('lurch') };

async function sell(
  who: Caller,
  kind: 'plan' | 'costume',
  item: Record<string, unknown>,
  listing: { price: number; title: string; summary: string },
): Promise<string> {
  const made: Json =
    kind === 'plan'
      ? await who('hollowtown', '/api/haunted-house/plans', { body: item })
      : await who('hollowtown', '/api/costumes', { body: item });
  const listed = await who('hollowtown', '/api/market/listings', {
    body: { item_kind: kind, item_id: kind === 'plan' ? made.plan_id : made.costume_id, ...listing },
  });
  return listed.listing_id as string;
}

const buy = (who: Caller, listingId: string, app: 'hollowtown' | 'recipes' = 'hollowtown') =>
  who(app, `/api/market/listings/${listingId}/purchase`, { method: 'POST' }) as Promise<Json>;

/** A recipe book of the seller's own recipes, private (a book on sale is not also free), listed. */
async function sellBook(
  who: Caller,
  book: { title: string; description: string },
  recipes: Record<string, unknown>[],
  listing: { price: number; title: string; summary: string },
): Promise<{ listingId: string; cookbookId: string }> {
  const cookbook = await who('recipes', '/api/cookbooks', { body: { ...book, visibility: 'private' } });
  for (const recipe of recipes) {
    const made = await who('recipes', '/api/recipes', { body: { is_published: false, ...recipe } });
    await who('recipes', `/api/cookbooks/${cookbook.cookbook_id}/recipes/${made.recipe_id}`, {
      method: 'PUT',
    });
  }
  const listed = await who('recipes', '/api/market/listings', {
    body: { item_kind: 'cookbook', item_id: cookbook.cookbook_id, ...listing },
  });
  return { listingId: listed.listing_id as string, cookbookId: cookbook.cookbook_id as string };
}

export async function seedMarket(web: WebPlatform, cast: Cast): Promise<MarketData> {
  const [morticia, gomez, wednesday] = [
    await signIn(web, cast.morticia),
    await signIn(web, cast.gomez),
    await signIn(web, cast.wednesday),
  ];
  const fester = await signUp(web, MORE.fester, 'Fester');
  const lurch = await signUp(web, MORE.lurch, 'Lurch');

  const chapel = await sell(
    gomez,
    'plan',
    {
      room_name: 'The drowned chapel',
      scare_level: 8,
      props_needed: [
        { name: 'fog machine', quantity: 2, note: 'low-lying fog: chill it with ice' },
        { name: 'church pews', quantity: 3 },
        { name: 'green uplights', quantity: 4 },
        { name: 'hymn recording', note: 'slowed down, on a hidden speaker' },
      ],
      setup_instructions: [
        'Lay black plastic over the floor and mist it so it shines like standing water.',
        'Set the pews at an angle, as if the water moved them.',
        'Put the uplights behind the pews and run the fog along the floor.',
        'Start the hymn when the first guest reaches the altar.',
      ],
    },
    {
      price: 120,
      title: 'The Drowned Chapel',
      summary: 'A flooded chapel with fog on the water and a hymn from nowhere. Fits a garage.',
    },
  );
  await sell(
    gomez,
    'costume',
    {
      costume_name: 'Headless horseman',
      difficulty: 'hard',
      cost_estimate_cents: 6500,
      description: 'A shoulder frame raises the coat above your head; you look out through the shirt.',
      materials: [
        { name: 'long black coat' },
        { name: 'foam shoulder frame', quantity: 1 },
        { name: 'jack-o’-lantern', quantity: 1, note: 'foam, to carry' },
      ],
      tags: ['classic', 'tall'],
    },
    {
      price: 80,
      title: 'Headless horseman pattern',
      summary: 'The shoulder frame that makes the head disappear, with measurements for any height.',
    },
  );
  const seance = await sell(
    wednesday,
    'plan',
    {
      room_name: 'Séance in the attic',
      scare_level: 7,
      props_needed: [
        { name: 'round table', quantity: 1 },
        { name: 'candles', quantity: 12, note: 'battery ones' },
        { name: 'fishing line', note: 'for the moving glass' },
      ],
      setup_instructions: [
        'Seat the guests around the table with the candles between them.',
        'Run fishing line under the cloth to the glass.',
        'Knock three times under the table when someone asks a question.',
      ],
    },
    {
      price: 60,
      title: 'Séance in the Attic',
      summary: 'Candles, a table and a glass that moves on its own. Quiet, and worse for it.',
    },
  );
  const dress = await sell(
    wednesday,
    'costume',
    {
      costume_name: 'Victorian mourning dress',
      difficulty: 'nightmare',
      cost_estimate_cents: 9000,
      description: 'A high-necked black dress with a bustle, a veil and jet buttons.',
      materials: [
        { name: 'black taffeta', quantity: 6, unit: 'm' },
        { name: 'jet buttons', quantity: 24 },
        { name: 'black tulle veil' },
      ],
      tags: ['victorian', 'elegant'],
    },
    {
      price: 150,
      title: 'Victorian mourning dress',
      summary: 'A full pattern with bustle and veil, sized from six measurements.',
    },
  );
  const booth = await sell(
    fester,
    'plan',
    {
      room_name: 'Electric chair photo booth',
      scare_level: 5,
      props_needed: [
        { name: 'wooden chair', quantity: 1 },
        { name: 'flicker bulb', quantity: 2 },
        { name: 'buzzer sound loop' },
      ],
      setup_instructions: [
        'Strap foam bands to the chair arms.',
        'Flicker the bulbs and play the buzz when the camera counts down.',
      ],
    },
    {
      price: 45,
      title: 'Electric Chair Photo Booth',
      summary: 'Guests take their picture in the chair while the lights buzz and flicker.',
    },
  );
  const maze = await sell(
    morticia,
    'plan',
    {
      room_name: 'Mirror maze',
      scare_level: 6,
      props_needed: [
        { name: 'mirror panels', quantity: 12 },
        { name: 'black curtains', quantity: 4 },
      ],
      setup_instructions: [
        'Hang the curtains as walls.',
        'Angle the mirrors so every path ends in a reflection.',
      ],
    },
    {
      price: 90,
      title: 'Mirror Maze',
      summary: 'Twelve mirrors and four curtains make a maze where every turn shows you again.',
    },
  );

  const suppers = await sellBook(
    morticia,
    {
      title: 'Sunday suppers at the Addams house',
      description: 'The slow dishes we cook for the whole family.',
    },
    [
      {
        recipe_name: 'Black bean and squid ink stew',
        description: 'Dark, smoky and better the next day.',
        cuisine: 'Spanish',
        difficulty: 'medium',
        prep_time_minutes: 20,
        cook_time_minutes: 90,
        serves: 6,
        ingredients: [
          { name: 'black beans', quantity: 500, unit: 'g', note: 'soaked overnight' },
          { name: 'squid ink', quantity: 8, unit: 'g' },
          { name: 'smoked paprika', quantity: 2, unit: 'tsp' },
        ],
        instructions: [
          'Simmer the beans until tender.',
          'Stir in the ink and paprika; cook 20 minutes more.',
        ],
      },
      {
        recipe_name: 'Beetroot tarte tatin',
        description: 'Caramelised beetroot under puff pastry, turned out blood red.',
        cuisine: 'French',
        difficulty: 'medium',
        prep_time_minutes: 25,
        cook_time_minutes: 40,
        serves: 4,
        ingredients: [
          { name: 'beetroot', quantity: 4, unit: null, note: 'cooked, sliced' },
          { name: 'puff pastry', quantity: 1, unit: 'sheet' },
          { name: 'sugar', quantity: 60, unit: 'g' },
        ],
        instructions: [
          'Caramelise the sugar in an ovenproof pan.',
          'Lay in the beetroot, cover with pastry, bake.',
        ],
      },
    ],
    {
      price: 100,
      title: 'Sunday Suppers at the Addams House',
      summary: 'Two slow dishes for a dark Sunday: a black stew and a blood-red tart.',
    },
  );
  const campfire = await sellBook(
    fester,
    { title: 'Campfire cooking', description: 'What Fester cooks on the lightning rod.' },
    [
      {
        recipe_name: 'Charred corn with chilli butter',
        description: 'Corn in its husk straight on the embers.',
        cuisine: 'American',
        difficulty: 'easy',
        prep_time_minutes: 5,
        cook_time_minutes: 15,
        serves: 4,
        ingredients: [
          { name: 'corn cobs', quantity: 4, unit: null },
          { name: 'butter', quantity: 50, unit: 'g' },
          { name: 'chilli flakes', quantity: 1, unit: 'tsp' },
        ],
        instructions: [
          'Soak the cobs in their husks.',
          'Roast on the embers, turning, then brush with the butter.',
        ],
      },
    ],
    {
      price: 40,
      title: 'Fester’s Campfire Cooking',
      summary: 'Food cooked on embers, for the nights the power is out.',
    },
  );

  await buy(morticia, chapel);
  await buy(morticia, dress);
  await buy(wednesday, maze);
  await buy(fester, maze);
  await buy(lurch, chapel);
  await buy(morticia, campfire.listingId, 'recipes');
  await buy(gomez, suppers.listingId, 'recipes');
  await buy(wednesday, suppers.listingId, 'recipes');
  const refundable = await buy(gomez, seance);
  return {
    forSaleId: booth,
    boughtId: chapel,
    refundableId: refundable.purchase_id as string,
    boughtBookId: campfire.listingId,
  };
}

/**
 * The console's side: Morticia is an admin of everything, Gomez supports Hollowtown and Fester
 * moderates it (as `calos staff grant` does); Morticia refunds Gomez's purchase; Fester's
 * light-bulb punch and costume are reported by three people each, which hides them for review.
 */
export async function seedConsole(web: WebPlatform, cast: Cast, market: MarketData): Promise<void> {
  const staff = createStaffService({ db: web.databases.get('identity'), now: () => new Date() });
  await staff.grant({ login: cast.morticia.username, role: 'admin' }, { operator: 'screenshots' });
  await staff.grant(
    { login: cast.gomez.username, role: 'support', domain: 'hollowtown' },
    { operator: 'screenshots' },
  );
  await staff.grant(
    { login: MORE.fester.username, role: 'moderator', domain: 'hollowtown' },
    { operator: 'screenshots' },
  );
  const [morticia, gomez, wednesday, fester, lurch] = [
    await signIn(web, cast.morticia),
    await signIn(web, cast.gomez),
    await signIn(web, cast.wednesday),
    await signIn(web, MORE.fester),
    await signIn(web, MORE.lurch),
  ];
  await morticia('hollowtown', `/api/market/purchases/${market.refundableId}/refund`, {
    body: { reason: 'Bought by mistake: he has the same room in his own plans' },
  });

  const punch = await fester('hollowtown', '/api/recipes/spooky', {
    body: {
      recipe_name: 'Glowing light-bulb punch',
      is_published: true,
      spookiness_level: 9,
      ingredients: [{ name: 'tonic water', quantity: 1, unit: 'l' }],
      instructions: ['Drop a lit bulb into the bowl for the glow.'],
    },
  });
  const bulb = await fester('hollowtown', '/api/costumes', {
    body: {
      costume_name: 'Human light bulb',
      difficulty: 'nightmare',
      description: 'Hold a live bulb in your mouth; the wire runs down your sleeve to a socket.',
    },
  });
  const reasons = [
    [gomez, 'A lit bulb in a drink is dangerous', 'Mains wiring in a costume, please take it down'],
    [wednesday, 'Not safe to follow', 'Someone will get hurt copying this'],
    [lurch, 'Unsafe instructions', 'Electric shock risk'],
  ] as const;
  for (const [who, recipeReason, costumeReason] of reasons) {
    await who('hollowtown', `/api/recipes/spooky/${punch.recipe_id}/report`, {
      body: { reason: recipeReason },
    });
    await who('hollowtown', `/api/costumes/${bulb.costume_id}/report`, { body: { reason: costumeReason } });
  }
}
