// npm run bench:sql-builder [-- --rounds N --queries N]
// The cost of building a store's SQL, as the stores do (plain SQL strings with Params) and with
// Kysely over the generated table types, in one process: README's "Typed SQL" decision. Only the
// building and compiling of the statement is timed (CPU per query);
// both sides send the same statement shape to PostgreSQL, so the database's work is the same.
import {
  DummyDriver,
  type Expression,
  type ExpressionBuilder,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type SqlBool,
  sql,
} from 'kysely';
import { print } from '../src/cli/output.ts';
import { listRecipes } from '../src/hollowtown/store/recipes.ts';
import type { Tables } from '../src/hollowtown/store/tables.ts';
import type { Tables as IdentityTables } from '../src/identity/store/tables.ts';
import { findUserById } from '../src/identity/store/users.ts';
import type { Queryable } from '../src/platform/db/database.ts';
import { parseCounts } from './support/args.ts';
import { machineFacts } from './support/machine.ts';
import { runMain } from './support/run.ts';
import { formatTable } from './support/stats.ts';

const dialect = {
  createAdapter: () => new PostgresAdapter(),
  createDriver: () => new DummyDriver(),
  createIntrospector: (db: Kysely<unknown>) => new PostgresIntrospector(db),
  createQueryCompiler: () => new PostgresQueryCompiler(),
};
const hollowtown = new Kysely<Tables>({ dialect });
const identity = new Kysely<IdentityTables>({ dialect });

type Spooky = ExpressionBuilder<Tables, 'spooky_recipes'>;
const cursorAt = sql<string>`to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const withheld = sql<SqlBool>`EXISTS (SELECT 1 FROM moderation_items mi WHERE mi.item_kind = 'recipe'
  AND mi.item_id = spooky_recipes.recipe_id AND mi.state IN ('hidden', 'removed'))`;
const tally = sql<number>`COALESCE((SELECT vt.votes FROM vote_tallies vt WHERE vt.item_kind = 'recipe'
  AND vt.item_id = spooky_recipes.recipe_id), 0)`;

interface ListFilter {
  scope: 'mine' | 'all';
  userId: string;
  tags: string[];
  limit: number;
  after?: { at: string; id: string };
}

/** listRecipes' statement for the same filter, written with Kysely. */
function kyselyList(filter: ListFilter) {
  const published = (eb: Spooky): Expression<SqlBool> =>
    eb.and([eb('is_published', '=', true), eb.not(withheld)]);
  let query = hollowtown
    .selectFrom('spooky_recipes')
    .select([
      'recipe_id',
      'user_id',
      'recipe_name',
      'description',
      'spookiness_level',
      'difficulty',
      'ingredients',
      'instructions',
      'prep_time_minutes',
      'serves',
      'tags',
      'image_url',
      'is_published',
      'source',
      'ai_model',
      'created_at',
      'updated_at',
      'version',
      'shared_at',
      cursorAt.as('cursor_at'),
      tally.as('tally'),
    ]);
  query =
    filter.scope === 'mine'
      ? query.where('user_id', '=', filter.userId)
      : query.where((eb) => eb.or([eb('user_id', '=', filter.userId), published(eb)]));
  if (filter.tags.length > 0) query = query.where(sql<SqlBool>`tags @> ${filter.tags}::text[]`);
  const after = filter.after;
  if (after) {
    query = query.where(
      sql<SqlBool>`(created_at, recipe_id) < (${after.at}::timestamptz, ${after.id}::uuid)`,
    );
  }
  return query.orderBy('created_at', 'desc').orderBy('recipe_id', 'desc').limit(filter.limit).compile();
}

const kyselyUser = (userId: string) =>
  identity
    .selectFrom('users')
    .select([
      'user_id',
      'username',
      'email',
      'password_hash',
      'display_name',
      'email_verified_at',
      'locale',
      'password_changed_at',
      'created_at',
    ])
    .where('user_id', '=', userId)
    .compile();

/** A Queryable that answers nothing: the store builds its statement and "sends" it. */
const recorder: Queryable = {
  query: async () => ({ rows: [], rowCount: 0 }),
  execScript: async () => {},
};

const USER = '6b7f0e3a-8d51-4a43-9d0a-3f2d54d3c1aa';
const listFilter = (filter: ListFilter) => ({
  ...filter,
  scope: filter.scope,
  difficulties: [],
  sort: 'new' as const,
  q: undefined,
});

interface Case {
  label: string;
  store: () => Promise<unknown>;
  kysely: () => unknown;
}

const CASES: Case[] = [
  {
    label: 'a user by id (identity)',
    store: () => findUserById(recorder, USER),
    kysely: () => kyselyUser(USER),
  },
  {
    label: "the user's spooky recipes, first page",
    store: () => listRecipes(recorder, listFilter({ scope: 'mine', userId: USER, tags: [], limit: 21 })),
    kysely: () => kyselyList({ scope: 'mine', userId: USER, tags: [], limit: 21 }),
  },
  {
    label: 'mine or published, a tag, after a cursor',
    store: () =>
      listRecipes(
        recorder,
        listFilter({
          scope: 'all',
          userId: USER,
          tags: ['vegan'],
          limit: 21,
          after: { at: '2026-10-31T20:00:00.123456Z', id: USER },
        }),
      ),
    kysely: () =>
      kyselyList({
        scope: 'all',
        userId: USER,
        tags: ['vegan'],
        limit: 21,
        after: { at: '2026-10-31T20:00:00.123456Z', id: USER },
      }),
  },
];

/** CPU µs per call, over `queries` calls. */
async function measure(work: () => unknown, queries: number): Promise<number> {
  const before = process.cpuUsage();
  for (let i = 0; i < queries; i++) await work();
  const cpu = process.cpuUsage(before);
  return (cpu.user + cpu.system) / queries;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function main() {
  const { rounds, queries } = parseCounts(process.argv.slice(2), { rounds: 7, queries: 20_000 });
  print(`bench:sql-builder — ${new Date().toISOString()}`);
  print(`machine: ${machineFacts()}`);
  print(`${rounds} rounds of ${queries} statements per side and case, in turns; medians of the rounds\n`);
  const rows = [['statement', 'plain SQL µs', 'Kysely µs', 'Kysely / plain']];
  for (const c of CASES) {
    const plain: number[] = [];
    const kysely: number[] = [];
    await measure(c.store, queries / 10);
    await measure(c.kysely, queries / 10);
    for (let round = 0; round < rounds; round++) {
      plain.push(await measure(c.store, queries));
      kysely.push(await measure(c.kysely, queries));
    }
    const p = median(plain);
    const k = median(kysely);
    rows.push([c.label, p.toFixed(2), k.toFixed(2), `${(k / p).toFixed(1)}×`]);
  }
  print(formatTable(rows));
  print(
    `\nthe compiled Kysely statement of the last case:\n${
      kyselyList({
        scope: 'all',
        userId: USER,
        tags: ['vegan'],
        limit: 21,
        after: { at: '2026-10-31T20:00:00.123456Z', id: USER },
      }).sql
    }`,
  );
  await Promise.all([hollowtown.destroy(), identity.destroy()]);
}

runMain(main);
