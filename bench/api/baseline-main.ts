// Child process of bench:api: the bare baseline. Fastify and pg only, none of CALOS: one route
// per app at the app's own path, which runs the statements the app's list runs (captured by
// targets.ts, same text, same parameters, same databases) and shapes the rows into the same JSON
// by hand, serialised with JSON.stringify (no response schema). The "authentication" is a string
// comparison of the Authorization header with the one token the benchmark sends: no signature
// check, no hooks, no validation, no logging.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import pg from 'pg';
import { serveInChild } from '../load/server-process.ts';
import type { AppName, ListTarget } from './targets.ts';

export interface BaselinePlan {
  /** The token the benchmark sends; any other Authorization header is a 401. */
  accessToken: string;
  userId: string;
  /** Items per page (the statements already ask for one more, to know whether a next page exists). */
  limit: number;
  targets: (ListTarget & { databaseUrl: string })[];
}

type Row = Record<string, unknown>;

// What the platform's engine parses differently from pg's defaults: bigint and numeric as numbers.
const NUMBER_OIDS = new Set([20, 1700]);
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    NUMBER_OIDS.has(oid) ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/**
 * A cursor as src/platform/http/pagination.ts writes it, by hand: the list, the last row's key,
 * and the digest of the filters the list binds (the family list's id; the other two have none).
 */
function cursor(list: string, key: unknown[], filters?: Record<string, unknown>): string {
  const wire: { l: string; k: unknown[]; f?: string } = { l: list, k: key };
  if (filters) {
    const kept = Object.keys(filters)
      .sort()
      .map((name) => [name, filters[name]]);
    wire.f = createHash('sha256').update(JSON.stringify(kept)).digest('base64url').slice(0, 12);
  }
  return Buffer.from(JSON.stringify(wire)).toString('base64url');
}

interface Summary {
  votes: number;
  has_voted: boolean;
  moderation: { state: string; reason: string | null } | null;
}
const NO_VOTES: Summary = { votes: 0, has_voted: false, moderation: null };

/** The page each app answers: its item fields, and what its cursor holds. */
function pageOf(app: AppName, rows: Row[], plan: BaselinePlan, votes: Map<unknown, Summary>) {
  const hasMore = rows.length > plan.limit;
  const pageRows = hasMore ? rows.slice(0, plan.limit) : rows;
  const last = pageRows[pageRows.length - 1];
  switch (app) {
    case 'hollowtown':
      return {
        items: pageRows.map((r) => ({
          recipe_id: r.recipe_id,
          recipe_name: r.recipe_name,
          description: r.description,
          spookiness_level: r.spookiness_level,
          difficulty: r.difficulty,
          ingredients: r.ingredients,
          instructions: r.instructions,
          prep_time_minutes: r.prep_time_minutes,
          serves: r.serves,
          tags: r.tags,
          image_url: r.image_url,
          is_published: r.is_published,
          is_mine: r.user_id === plan.userId,
          source: r.source,
          ai_model: r.ai_model,
          created_at: r.created_at,
          updated_at: r.updated_at,
          ...(votes.get(r.recipe_id) ?? NO_VOTES),
        })),
        next_cursor:
          hasMore && last ? cursor('hollowtown.recipes:new', [last.cursor_at, last.recipe_id]) : null,
      };
    case 'recipes':
      return {
        items: pageRows.map((r) => {
          const prep = r.prep_time_minutes as number | null;
          const cook = r.cook_time_minutes as number | null;
          return {
            recipe_id: r.recipe_id,
            user_id: r.user_id,
            recipe_name: r.recipe_name,
            description: r.description,
            cuisine: r.cuisine,
            difficulty: r.difficulty,
            prep_time_minutes: prep,
            cook_time_minutes: cook,
            total_time_minutes: prep === null && cook === null ? null : (prep ?? 0) + (cook ?? 0),
            serves: r.serves,
            calories: r.calories,
            ingredients: r.ingredients,
            instructions: r.instructions,
            nutrition: r.nutrition,
            allergens: r.allergens,
            tags: r.tags,
            image_url: r.image_url,
            rating_avg: r.rating_avg,
            rating_count: r.rating_count,
            is_published: r.is_published,
            is_mine: r.user_id === plan.userId,
            source: r.source,
            source_url: r.source_url,
            created_at: r.created_at,
            updated_at: r.updated_at,
            ...(votes.get(r.recipe_id) ?? NO_VOTES),
          };
        }),
        next_cursor:
          hasMore && last ? cursor('recipes.recipes:newest', [last.cursor_at, last.recipe_id]) : null,
      };
    case 'family':
      return {
        // Without reminders, which the response schema leaves out.
        items: pageRows.map(
          ({ cursor_at: _, recurrence_start: __, reminders: ___, due_date, due_on, ...item }) => ({
            ...item,
            due_date: due_on ?? (due_date instanceof Date ? due_date.toISOString() : null),
            due_all_day: due_on !== null,
          }),
        ),
        next_cursor:
          hasMore && last
            ? cursor('family.todo-items', [last.cursor_at, last.item_id], { listId: last.list_id })
            : null,
      };
  }
}

serveInChild(async () => {
  const file = process.env.BENCH_API_PLAN;
  if (!file) throw new Error('BENCH_API_PLAN is not set');
  const plan = JSON.parse(readFileSync(file, 'utf8')) as BaselinePlan;
  const authorization = `Bearer ${plan.accessToken}`;
  const pools: pg.Pool[] = [];
  const app = Fastify();

  for (const target of plan.targets) {
    // One pool per database, as large as the platform's (10).
    const pool = new pg.Pool({ connectionString: target.databaseUrl, max: 10, types });
    pool.on('error', () => undefined);
    pools.push(pool);
    const checks = target.statements.slice(0, target.pageAt);
    const read = target.statements[target.pageAt];
    const summaries = target.statements.slice(target.pageAt + 1);
    if (!read) throw new Error(`no page statement for ${target.app}`);
    const route = target.path.split('?')[0] ?? target.path;
    app.get(route, async (request, reply) => {
      if (request.headers.authorization !== authorization) return reply.status(401).send({ error: 'no' });
      // Statements before the last are access checks (e.g. "is this a list of one of my families"):
      // no row, no page.
      for (const check of checks) {
        const { rows } = await pool.query(check.text, check.params);
        if (rows.length === 0) return reply.status(404).send({ error: 'not found' });
      }
      const { rows } = await pool.query<Row>(read.text, read.params);
      // The page's votes: the statement's id list is this page's item ids.
      const votes = new Map<unknown, Summary>();
      const ids = rows.slice(0, plan.limit).map((r) => r.recipe_id);
      for (const summary of summaries) {
        const params = summary.params.map((p) => (Array.isArray(p) ? ids : p));
        const { rows: found } = await pool.query<Row>(summary.text, params);
        for (const v of found) {
          const held = v.state === 'hidden' || v.state === 'removed';
          votes.set(v.item_id, {
            votes: v.votes as number,
            has_voted: v.has_voted as boolean,
            moderation: held ? { state: v.state as string, reason: v.reason as string | null } : null,
          });
        }
      }
      return pageOf(target.app, rows, plan, votes);
    });
  }

  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    stop: async () => {
      await app.close();
      await Promise.all(pools.map((pool) => pool.end()));
    },
  };
});
