// bench:api's data: for one user, `rows` rows in each list the benchmark reads, with every column
// those lists return filled the way real use fills them (names, descriptions, 6–8 structured
// ingredients, steps, tags, nutrition, nulls where users leave fields out). Other users' rows
// (four times as many, a fifth to a quarter published) sit in the same tables, so the queries
// have to find the user's rows among others, as in production.
//
// The family and its todo list are made through the public API (so membership and roles are the
// app's own); everything else goes straight into the apps' databases with SQL, which takes a
// second where the API would take minutes.
import pg from 'pg';

/** Other users' rows per row of the user's own. */
export const OTHERS_FACTOR = 4;
/** Other users, each owning an equal share of the other rows. */
const OTHER_USERS = 40;

export interface SeedTarget {
  baseUrl: string;
  accessToken: string;
  userId: string;
  rows: number;
  /** PostgreSQL URLs of the apps' databases. */
  urls: { hollowtown: string; recipes: string; family: string };
}

export interface Seeded {
  /** The user's todo list in their family (the family list endpoint reads its items). */
  listId: string;
  familyId: string;
}

/** A stable id for the n-th other user (SQL expression over the integer `column`). */
const otherUser = (column: string) =>
  `('00000000-0000-4000-8000-' || lpad((${column} % ${OTHER_USERS})::text, 12, '0'))::uuid`;

/**
 * Creation times a little over 10 minutes apart (the user's rows; others' are 4 times as dense
 * over the same months), with microseconds, newest for i = 1.
 */
const createdAt = (column: string, per = 1) =>
  `now() - make_interval(secs => ${column} * ${(613.123457 / per).toFixed(6)} + ${per === 1 ? 0 : 17.5})`;
const OWN = { owner: '$2::uuid', at: createdAt('i') };
const OTHERS = { owner: otherUser('i'), at: createdAt('i', OTHERS_FACTOR) };

const SPOOKY_RECIPES = ({ owner, at }: typeof OWN, published: string) => `
  INSERT INTO spooky_recipes (user_id, recipe_name, description, spookiness_level, difficulty, ingredients,
    instructions, prep_time_minutes, serves, tags, image_url, is_published, source, ai_model, created_at,
    updated_at)
  SELECT ${owner},
    (ARRAY['Graveyard dirt cups', 'Mummy hot dogs', 'Witch''s brew punch', 'Bleeding velvet cake',
           'Spider web pizza', 'Pumpkin guts risotto', 'Eyeball pasta', 'Bat wing chicken'])[1 + i % 8] || ' ' || i,
    CASE WHEN i % 7 = 0 THEN NULL ELSE
      'Chocolate pudding under cookie-crumb soil, with gummy worms crawling out of every cup. '
      || 'Serve it cold, by candle light, with the lights off. Batch ' || i || '.' END,
    1 + i % 10,
    (ARRAY['easy', 'medium', 'hard', 'nightmare'])[1 + i % 4],
    jsonb_build_array(
      jsonb_build_object('name', 'chocolate pudding', 'quantity', 500, 'unit', 'g', 'note', NULL),
      jsonb_build_object('name', 'chocolate cookies', 'quantity', 200, 'unit', 'g', 'note', 'crushed'),
      jsonb_build_object('name', 'gummy worms', 'quantity', 12, 'unit', 'piece', 'note', 'one per cup, more to taste'),
      jsonb_build_object('name', 'whipped cream', 'quantity', 250, 'unit', 'ml', 'note', NULL),
      jsonb_build_object('name', 'cocoa powder', 'quantity', 1.5, 'unit', 'tbsp', 'note', NULL),
      jsonb_build_object('name', 'salt', 'quantity', NULL, 'unit', NULL, 'note', 'a pinch')),
    ARRAY['Spoon the pudding into six cups.', 'Crush the cookies into fine crumbs.',
          'Cover the pudding with a thick layer of crumbs.', 'Push the worms in halfway, heads up.',
          'Chill for an hour before serving.'],
    CASE WHEN i % 10 = 0 THEN NULL ELSE 10 + i % 80 END,
    CASE WHEN i % 12 = 0 THEN NULL ELSE 2 + i % 8 END,
    ARRAY['halloween', (ARRAY['kids-friendly', 'no-bake', 'party', 'vegetarian'])[1 + i % 4],
          (ARRAY['chocolate', 'pumpkin', 'savoury'])[1 + i % 3]],
    CASE WHEN i % 4 = 0 THEN 'https://images.example.com/spooky/' || i || '.jpg' END,
    ${published},
    CASE WHEN i % 3 = 0 THEN 'ai' ELSE 'manual' END,
    CASE WHEN i % 3 = 0 THEN 'llama3.2:latest' END,
    ${at}, ${at}
  FROM generate_series(1, $1::integer) AS i`;

const RECIPES = ({ owner, at }: typeof OWN, published: string) => `
  INSERT INTO recipes (user_id, recipe_name, description, cuisine, difficulty, prep_time_minutes,
    cook_time_minutes, serves, calories, ingredients, instructions, nutrition, allergens, tags, image_url,
    rating_avg, rating_count, is_published, source, created_at, updated_at)
  SELECT ${owner},
    (ARRAY['Spaghetti carbonara', 'Chicken tikka masala', 'Shakshuka', 'Pad thai', 'Mushroom risotto',
           'Beef bourguignon', 'Falafel wraps', 'Miso ramen'])[1 + i % 8] || ' ' || i,
    CASE WHEN i % 7 = 0 THEN NULL ELSE
      'Creamy, peppery and on the table in twenty minutes: eggs, pecorino and crisp guanciale, '
      || 'tossed off the heat so the sauce stays silky. Batch ' || i || '.' END,
    (ARRAY['italian', 'indian', 'middle eastern', 'thai', 'french', 'japanese'])[1 + i % 6],
    (ARRAY['easy', 'medium', 'hard'])[1 + i % 3],
    CASE WHEN i % 9 = 0 THEN NULL ELSE 5 + i % 30 END,
    10 + i % 50,
    CASE WHEN i % 11 = 0 THEN NULL ELSE 1 + i % 6 END,
    CASE WHEN i % 5 = 0 THEN NULL ELSE 300 + i % 600 END,
    jsonb_build_array(
      jsonb_build_object('name', 'spaghetti', 'quantity', 400, 'unit', 'g', 'note', NULL),
      jsonb_build_object('name', 'guanciale', 'quantity', 150, 'unit', 'g', 'note', 'cut into strips'),
      jsonb_build_object('name', 'eggs', 'quantity', 4, 'unit', NULL, 'note', 'yolks only for a richer sauce'),
      jsonb_build_object('name', 'pecorino romano', 'quantity', 80, 'unit', 'g', 'note', 'finely grated'),
      jsonb_build_object('name', 'black pepper', 'quantity', 1, 'unit', 'tsp', 'note', 'freshly ground'),
      jsonb_build_object('name', 'olive oil', 'quantity', 1, 'unit', 'tbsp', 'note', NULL),
      jsonb_build_object('name', 'parsley', 'quantity', 0.5, 'unit', 'cup', 'note', NULL),
      jsonb_build_object('name', 'salt', 'quantity', NULL, 'unit', NULL, 'note', 'to taste')),
    ARRAY['Boil the pasta in well-salted water.', 'Crisp the guanciale in a dry pan.',
          'Whisk the eggs with the cheese and pepper.', 'Toss the drained pasta with the guanciale.',
          'Off the heat, stir in the egg mixture and a splash of pasta water.', 'Serve at once.'],
    jsonb_build_object('protein_g', 20 + i % 15, 'carbs_g', 60 + i % 30, 'fat_g', 15 + i % 10,
                       'sodium_mg', 800 + i % 400),
    CASE i % 4 WHEN 0 THEN ARRAY['gluten', 'eggs'] WHEN 1 THEN ARRAY['milk', 'eggs']
                WHEN 2 THEN ARRAY['peanuts', 'soy'] ELSE ARRAY['fish', 'sesame'] END,
    ARRAY['dinner', (ARRAY['quick', 'comfort food', 'vegetarian', 'spicy'])[1 + i % 4]],
    CASE WHEN i % 4 = 0 THEN 'https://images.example.com/recipes/' || i || '.jpg' END,
    CASE WHEN i % 6 = 0 THEN 0 ELSE round(3 + (i % 21) / 10.0, 2) END,
    CASE WHEN i % 6 = 0 THEN 0 ELSE 1 + i % 40 END,
    ${published},
    CASE WHEN i % 3 = 0 THEN 'ai' ELSE 'manual' END,
    ${at}, ${at}
  FROM generate_series(1, $1::integer) AS i`;

/** Items of one list ($1) by one user ($2), oldest first for i = 1; $3 items. */
const TODO_ITEMS = (list: string, user: string, count: string) => `
  INSERT INTO todo_items (list_id, title, description, assigned_to, due_date, priority, status, completed_at,
    completed_by, created_by, created_at, updated_at)
  SELECT ${list},
    (ARRAY['Carve the pumpkins', 'Buy candles', 'Hang the cobwebs', 'Bake the bat cookies',
           'Sew the costumes', 'Sweep the porch'])[1 + i % 6] || ' ' || i,
    CASE WHEN i % 3 = 0 THEN NULL ELSE 'Bring the big knife and newspaper for the floor; item ' || i || '.' END,
    CASE WHEN i % 2 = 0 THEN ${user} END,
    CASE WHEN i % 4 = 0 THEN NULL ELSE now() + make_interval(days => i % 30) END,
    (ARRAY['low', 'medium', 'high', 'urgent'])[1 + i % 4],
    s.status,
    CASE WHEN s.status = 'done' THEN t.at + interval '1 hour' END,
    CASE WHEN s.status = 'done' THEN ${user} END,
    ${user}, t.at, t.at
  FROM generate_series(1, ${count}) AS i
  CROSS JOIN LATERAL (SELECT (ARRAY['todo', 'in_progress', 'done'])[1 + i % 3] AS status) s
  CROSS JOIN LATERAL (SELECT ${createdAt(`(${count} - i)`)} AS at) t`;

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function postJson(target: SeedTarget, path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${target.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${target.accessToken}` },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== 201)
    throw new Error(`POST ${path} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

export async function seed(target: SeedTarget): Promise<Seeded> {
  const { rows, userId } = target;
  const others = rows * OTHERS_FACTOR;

  await withClient(target.urls.hollowtown, async (client) => {
    await client.query(SPOOKY_RECIPES(OWN, 'i % 5 = 0'), [rows, userId]);
    await client.query(SPOOKY_RECIPES(OTHERS, 'i % 5 = 0'), [others]);
    await client.query('ANALYZE spooky_recipes');
  });

  await withClient(target.urls.recipes, async (client) => {
    await client.query(RECIPES(OWN, 'i % 4 = 0'), [rows, userId]);
    await client.query(RECIPES(OTHERS, 'i % 4 = 0'), [others]);
    await client.query('ANALYZE recipes');
  });

  const family = await postJson(target, '/family/api/families', { family_name: 'The Benchmarks' });
  const list = await postJson(target, '/family/api/todos', {
    family_id: family.family_id,
    list_name: 'Halloween party',
    list_type: 'shared',
  });
  const listId = String(list.list_id);
  await withClient(target.urls.family, async (client) => {
    await client.query(TODO_ITEMS('$1::uuid', '$2::uuid', '$3::integer'), [listId, userId, rows]);
    // Other families, each with one list of the same size share of items.
    const families = OTHER_USERS;
    await client.query(
      `WITH f AS (
         INSERT INTO families (family_name, created_by)
         SELECT 'Family ' || g, ${otherUser('g')} FROM generate_series(1, ${families}) AS g
         RETURNING family_id, created_by),
       m AS (INSERT INTO family_members (family_id, user_id, role) SELECT family_id, created_by, 'admin' FROM f)
       INSERT INTO todo_lists (family_id, list_name, list_type, created_by)
       SELECT family_id, 'Chores', 'chores', created_by FROM f`,
    );
    const { rows: lists } = await client.query<{ list_id: string; created_by: string }>(
      'SELECT list_id, created_by FROM todo_lists WHERE list_id <> $1',
      [listId],
    );
    const perList = Math.ceil(others / lists.length);
    for (const other of lists)
      await client.query(TODO_ITEMS('$1::uuid', '$2::uuid', '$3::integer'), [
        other.list_id,
        other.created_by,
        perList,
      ]);
    await client.query('ANALYZE families, family_members, todo_lists, todo_items');
  });
  return { listId, familyId: String(family.family_id) };
}
