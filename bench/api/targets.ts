// The list endpoint bench:api measures in each app, and the SQL it runs. The SQL is not copied
// here: the benchmark calls the app's own service (what the route handler calls, with the same
// arguments) once, over a database wrapper that records every statement and its parameters. The
// bare baseline then runs exactly those statements, so it answers the same query even while the
// apps' queries change.
import pg from 'pg';
import { createTodoService } from '../../src/family/service/todos.ts';
import { createHollowtownCommunity } from '../../src/hollowtown/service/community.ts';
import { createRecipeService as createSpookyRecipeService } from '../../src/hollowtown/service/recipes.ts';
import { systemClock } from '../../src/platform/clock.ts';
import type { DatabaseName } from '../../src/platform/databases.ts';
import {
  type Database,
  type Queryable,
  type QueryResult,
  type Session,
  sharedParsers,
} from '../../src/platform/db/database.ts';
import { ClientRegistry } from '../../src/platform/http/service.ts';
import type { Logger } from '../../src/platform/logger.ts';
import { DEFAULT_FETCH_LIMITS } from '../../src/platform/safe-fetch.ts';
import { createRecipesCommunity } from '../../src/recipes/service/community.ts';
import { createRecipeService } from '../../src/recipes/service/recipes.ts';

export const APPS = ['hollowtown', 'recipes', 'family'] as const;
export type AppName = (typeof APPS)[number];

/** The page size the issue asks for (also each list's default). */
export const PAGE_SIZE = 20;

export interface Statement {
  text: string;
  params: unknown[];
}

export interface ListTarget {
  app: AppName;
  /** Path and query string, the same on the platform and on the baseline. */
  path: string;
  /**
   * The statements one request runs, in order: access checks (no row, no page), the page, then
   * the page's item summaries (votes, the viewer's vote, moderation) for the page's item ids.
   */
  statements: Statement[];
  /** Which statement reads the page. */
  pageAt: number;
}

/** A target with the page the app's service answered when its SQL was captured (Dates and all). */
export interface CapturedTarget extends ListTarget {
  answer: unknown;
}

export interface TargetContext {
  userId: string;
  listId: string;
  urls: Record<AppName, string>;
}

/** The same type parsers as the platform's PostgreSQL engine (bigint and numeric as numbers). */
export const PG_TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    sharedParsers[oid] ?? pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

const notOnAListPath = (what: string) => () => {
  throw new Error(`bench:api: the list path used ${what}; the baseline replays single statements only`);
};

/** A Database over one pg client that records each statement it runs. */
class RecordingDatabase implements Database {
  readonly engine = 'postgres' as const;
  readonly statements: Statement[] = [];

  constructor(
    readonly name: DatabaseName,
    private readonly client: pg.Client,
  ) {}

  async query<Row = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<QueryResult<Row>> {
    this.statements.push({ text: sql, params: [...(params ?? [])] });
    const result = await this.client.query(sql, params as unknown[] | undefined);
    return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
  }

  execScript = notOnAListPath('a script');
  transaction = notOnAListPath('a transaction') as <T>(work: (tx: Queryable) => Promise<T>) => Promise<T>;
  withSession = notOnAListPath('a session') as <T>(work: (session: Session) => Promise<T>) => Promise<T>;
  listen = notOnAListPath('LISTEN');
  notify = notOnAListPath('NOTIFY');
  close = async () => undefined;
}

const silentLogger = {
  info() {},
  warn() {},
  error() {},
  debug() {},
  trace() {},
  fatal() {},
} as unknown as Logger;

const spookyDeps = (db: Database) => ({
  db,
  logger: silentLogger,
  clients: new ClientRegistry(),
  links: { family: () => undefined, recipes: () => undefined },
  now: systemClock.now,
});

const recipesDeps = (db: Database) => ({
  db,
  logger: silentLogger,
  ai: () => undefined,
  hollowtown: () => undefined,
  halloweenSeason: { from: '09-15', to: '11-02' },
  hollowtownRecipeUrl: (id: string) => `/hollowtown/r/${id}`,
  now: systemClock.now,
  importLimits: DEFAULT_FETCH_LIMITS,
});

/** Calls the service method the route calls, as the route calls it for `?limit=20`. */
async function callList(app: AppName, db: Database, context: TargetContext): Promise<unknown> {
  const { userId, listId } = context;
  switch (app) {
    case 'hollowtown':
      // GET /api/recipes/spooky: recipes.list(userId, request.query); limit's default is 20.
      return createSpookyRecipeService(spookyDeps(db), createHollowtownCommunity(spookyDeps(db))).list(
        userId,
        {
          limit: PAGE_SIZE,
        },
      );
    case 'recipes':
      // GET /api/recipes: recipes.list(userId, { ...request.query, limit: request.query.limit ?? 20 }).
      return createRecipeService(recipesDeps(db), createRecipesCommunity(recipesDeps(db))).list(userId, {
        limit: PAGE_SIZE,
      });
    case 'family':
      // GET /api/todos/:id/items: todos.listItems(userId, id, { limit, cursor, status, assigned_to }).
      return createTodoService({
        db,
        logger: silentLogger,
        identity: notOnAListPath('the identity client'),
        now: systemClock.now,
      }).listItems(userId, listId, {
        limit: PAGE_SIZE,
        cursor: undefined,
        status: undefined,
        assigned_to: undefined,
      });
  }
}

/**
 * Where each list's page statement is: the todo items after their access check
 * (findAccessibleList); both recipe lists first, then their votes (community.summaries).
 */
const PAGE_AT: Record<AppName, number> = { hollowtown: 0, recipes: 0, family: 1 };

export function pathOf(app: AppName, listId: string): string {
  switch (app) {
    case 'hollowtown':
      return `/hollowtown/api/recipes/spooky?limit=${PAGE_SIZE}`;
    case 'recipes':
      return `/recipes/api/recipes?limit=${PAGE_SIZE}`;
    case 'family':
      return `/family/api/todos/${listId}/items?limit=${PAGE_SIZE}`;
  }
}

/** Each app's list endpoint with the statements its service runs for this user's first page. */
export async function captureTargets(context: TargetContext): Promise<CapturedTarget[]> {
  const targets: CapturedTarget[] = [];
  for (const app of APPS) {
    const client = new pg.Client({ connectionString: context.urls[app], types: PG_TYPES });
    await client.connect();
    try {
      const db = new RecordingDatabase(app, client);
      const answer = await callList(app, db, context);
      if (db.statements.length <= PAGE_AT[app])
        throw new Error(`bench:api: the ${app} list ran ${db.statements.length} statements, not its page`);
      targets.push({
        app,
        path: pathOf(app, context.listId),
        statements: db.statements,
        pageAt: PAGE_AT[app],
        answer,
      });
    } finally {
      await client.end();
    }
  }
  return targets;
}
