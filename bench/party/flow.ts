// The family Halloween party that test/standalone-party.test.ts checks, as three people make it
// through the public API, each step timed and watched by `around` (what each process did meanwhile).
import { randomBytes } from 'node:crypto';
import { type ApiAnswer, joinFamily } from '../../test/support/family.ts';

export const STEPS = [
  'create family, invite and accept twice',
  'event with the family (Hollowtown asks Family Planner)',
  'a recipe in each app',
  'add both recipes to the event (one read from HowToCookAtHome)',
  'family shopping list (reads recipes, writes Family Planner)',
  'a member checks an item off',
  'share the recipe to HowToCookAtHome',
  'family calendar (events from Hollowtown)',
] as const;
export type Step = (typeof STEPS)[number];

interface Person {
  username: string;
  headers: Record<string, string>;
}

async function call(base: string, who: Person | null, method: string, path: string, body?: unknown) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(who?.headers ?? {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined } as ApiAnswer;
}

function expectStatus(answer: ApiAnswer, status: number, what: string): ApiAnswer {
  if (answer.status !== status)
    throw new Error(`${what}: expected ${status}, got ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer;
}

async function person(base: string, name: string): Promise<Person> {
  const username = `${name}_${randomBytes(5).toString('hex')}`;
  const answer = expectStatus(
    await call(base, null, 'POST', '/calos/api/auth/register', {
      username,
      email: `${username}@example.test`,
      password: 'correct horse battery staple',
    }),
    201,
    'register',
  );
  return { username, headers: { authorization: `Bearer ${answer.body.access_token}` } };
}

/** One party, each step timed (milliseconds). */
export async function party(
  base: string,
  around: <T>(step: Step, work: () => Promise<T>) => Promise<T> = (_step, work) => work(),
): Promise<Record<Step, number>> {
  const [mom, dad, kid] = await Promise.all([person(base, 'mom'), person(base, 'dad'), person(base, 'kid')]);
  const api = (who: Person, method: 'GET' | 'POST', path: string, body?: unknown) =>
    call(base, who, method, path, body);
  const times = {} as Record<Step, number>;
  const timed = async <T>(step: Step, work: () => Promise<T>): Promise<T> => {
    return around(step, async () => {
      const started = performance.now();
      const value = await work();
      times[step] = performance.now() - started;
      return value;
    });
  };

  const familyId = await timed(STEPS[0], async () => {
    const made = expectStatus(
      await api(mom, 'POST', '/family/api/families', { family_name: 'The Bench Family' }),
      201,
      'family',
    );
    const id = made.body.family_id as string;
    await joinFamily(api, { familyId: id, admin: mom, invitee: dad, login: dad.username, role: 'parent' });
    await joinFamily(api, { familyId: id, admin: mom, invitee: kid, login: kid.username, role: 'child' });
    return id;
  });
  const eventId = await timed(STEPS[1], async () => {
    const event = await api(mom, 'POST', '/hollowtown/api/events', {
      family_id: familyId,
      event_name: 'Bench party',
      event_type: 'party',
      event_date: '2026-10-31',
      guest_count: 8,
    });
    return expectStatus(event, 201, 'event').body.event_id as string;
  });
  const [momsRecipe, dadsRecipe] = await timed(STEPS[2], () =>
    Promise.all([
      api(mom, 'POST', '/hollowtown/api/recipes/spooky', {
        recipe_name: 'Cobweb cake',
        serves: 4,
        ingredients: ['200 g flour', '2 eggs'],
      }).then((a) => expectStatus(a, 201, 'spooky recipe').body.recipe_id as string),
      api(dad, 'POST', '/recipes/api/recipes', {
        recipe_name: 'Bone broth',
        difficulty: 'easy',
        serves: 4,
        ingredients: ['1 l water', '500 g bones'],
      }).then((a) => expectStatus(a, 201, 'recipe').body.recipe_id as string),
    ]),
  );
  await timed(STEPS[3], async () => {
    expectStatus(
      await api(mom, 'POST', `/hollowtown/api/events/${eventId}/recipes`, {
        domain: 'hollowtown',
        recipe_id: momsRecipe,
      }),
      201,
      'add spooky recipe',
    );
    expectStatus(
      await api(dad, 'POST', `/hollowtown/api/events/${eventId}/recipes`, {
        domain: 'recipes',
        recipe_id: dadsRecipe,
      }),
      201,
      'add recipe',
    );
  });
  const listId = await timed(STEPS[4], async () => {
    const made = await api(mom, 'POST', `/hollowtown/api/events/${eventId}/shopping-list`);
    return expectStatus(made, 201, 'shopping list').body.list_id as string;
  });
  const list = expectStatus(await api(kid, 'GET', `/family/api/shopping-lists/${listId}`), 200, 'list');
  await timed(STEPS[5], async () => {
    const item = list.body.items[0] as { item_id: string };
    const response = await fetch(`${base}/family/api/shopping-lists/${listId}/items/${item.item_id}`, {
      method: 'PATCH',
      headers: {
        ...dad.headers,
        'content-type': 'application/json',
        'idempotency-key': randomBytes(8).toString('hex'),
      },
      body: JSON.stringify({ checked: true }),
    });
    await response.text();
    if (response.status !== 200) throw new Error(`check-off: ${response.status}`);
  });
  await timed(STEPS[6], async () => {
    const shared = await api(mom, 'POST', `/hollowtown/api/recipes/spooky/${momsRecipe}/share`, {
      to: 'recipes',
    });
    if (shared.status !== 200 && shared.status !== 201)
      throw new Error(`share: ${shared.status} ${JSON.stringify(shared.body)}`);
  });
  await timed(STEPS[7], async () => {
    expectStatus(
      await api(
        kid,
        'GET',
        `/family/api/calendar?family_id=${familyId}&from=2026-10-01T00:00:00Z&to=2026-11-30T00:00:00Z`,
      ),
      200,
      'calendar',
    );
  });
  return times;
}
