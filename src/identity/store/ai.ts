// AI preferences and the per-request usage log, kept with the account.
import type { Queryable } from '../../platform/db/database.ts';
import { keysetSql, Params } from '../../platform/db/sql.ts';
import { AI_USAGE_BATCH_LIMIT, type AiUsageRecord, type AiUsageRow } from '../client.ts';
import type { Tables } from './tables.ts';

export type AiPreferencesRow = Pick<Tables['ai_preferences'], 'model_preference' | 'fallback_model'>;

export async function findAiPreferences(
  db: Queryable,
  userId: string,
): Promise<AiPreferencesRow | undefined> {
  const { rows } = await db.query<AiPreferencesRow>(
    'SELECT model_preference, fallback_model FROM ai_preferences WHERE user_id = $1',
    [userId],
  );
  return rows[0];
}

export async function upsertAiPreferences(
  db: Queryable,
  userId: string,
  preferences: { model_preference: string | null; fallback_model: string },
): Promise<AiPreferencesRow> {
  const { rows } = await db.query<AiPreferencesRow>(
    `INSERT INTO ai_preferences (user_id, model_preference, fallback_model) VALUES ($1, $2, $3)
     ON CONFLICT (user_id) DO UPDATE SET model_preference = EXCLUDED.model_preference, fallback_model = EXCLUDED.fallback_model
     RETURNING model_preference, fallback_model`,
    [userId, preferences.model_preference, preferences.fallback_model],
  );
  return rows[0] as AiPreferencesRow;
}

export async function insertAiUsage(db: Queryable, record: AiUsageRecord): Promise<void> {
  await db.query(
    `INSERT INTO ai_usage_log (user_id, app, endpoint, model, provider, instance, byok, prompt_tokens,
       completion_tokens, cached_tokens, credits, latency_ms, outcome, error_code)
     SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14
     WHERE EXISTS (SELECT 1 FROM users WHERE user_id = $1)`,
    [
      record.userId,
      record.app.slice(0, 40),
      record.endpoint.slice(0, 100),
      record.model.slice(0, 200),
      record.provider,
      record.instance,
      record.byok,
      record.promptTokens,
      record.completionTokens,
      record.cachedTokens,
      record.credits,
      Math.max(0, Math.round(record.latencyMs)),
      record.outcome,
      record.errorCode,
    ],
  );
}

const usageValues = (record: AiUsageRecord) => [
  record.userId,
  record.app.slice(0, 40),
  record.endpoint.slice(0, 100),
  record.model.slice(0, 200),
  record.provider,
  record.instance,
  record.byok,
  record.promptTokens,
  record.completionTokens,
  record.cachedTokens,
  record.credits,
  Math.max(0, Math.round(record.latencyMs)),
  record.outcome,
  record.errorCode,
];

/** Many usage rows in one statement (one array parameter per column), numbered in their order. */
export async function insertAiUsageRows(db: Queryable, records: readonly AiUsageRecord[]): Promise<void> {
  if (records.length === 0) return;
  if (records.length > AI_USAGE_BATCH_LIMIT)
    throw new RangeError(`at most ${AI_USAGE_BATCH_LIMIT} usage rows at once (got ${records.length})`);
  const rows = records.map(usageValues);
  const columns = Array.from({ length: 14 }, (_, i) => rows.map((row) => row[i]));
  await db.query(
    `INSERT INTO ai_usage_log (user_id, app, endpoint, model, provider, instance, byok, prompt_tokens,
       completion_tokens, cached_tokens, credits, latency_ms, outcome, error_code)
     SELECT r.user_id, r.app, r.endpoint, r.model, r.provider, r.instance, r.byok, r.prompt_tokens,
            r.completion_tokens, r.cached_tokens, r.credits, r.latency_ms, r.outcome, r.error_code
     FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
       $7::boolean[], $8::int[], $9::int[], $10::int[], $11::int[], $12::int[], $13::text[], $14::text[])
       WITH ORDINALITY AS r (user_id, app, endpoint, model, provider, instance, byok, prompt_tokens,
             completion_tokens, cached_tokens, credits, latency_ms, outcome, error_code, ord)
     WHERE EXISTS (SELECT 1 FROM users u WHERE u.user_id = r.user_id)
     ORDER BY r.ord`,
    columns,
  );
}

const NEWEST_USAGE = keysetSql('desc', [['usage_id', 'bigint']]);

export async function listAiUsage(
  db: Queryable,
  userId: string,
  limit: number,
  before?: number,
): Promise<AiUsageRow[]> {
  const params = new Params([userId, limit]);
  const { rows } = await db.query<AiUsageRow>(
    `SELECT usage_id, app, endpoint, model, provider, instance, byok, prompt_tokens, completion_tokens, cached_tokens,
            credits, latency_ms, outcome, error_code, created_at
     FROM ai_usage_log WHERE user_id = $1 ${before === undefined ? '' : `AND ${NEWEST_USAGE.after([before], params)}`}
     ORDER BY ${NEWEST_USAGE.orderBy} LIMIT $2`,
    params.values,
  );
  return rows;
}

export type AiUsageTotalRow = Pick<
  Tables['ai_usage_log'],
  'app' | 'model' | 'provider' | 'instance' | 'prompt_tokens' | 'completion_tokens' | 'credits'
> & {
  calls: number;
  failed: number;
  people: number;
};

/** Every account's calls since a time, by app, model and instance (the operator console's report). */
export async function totalAiUsage(
  db: Queryable,
  filter: { since: Date; apps?: readonly string[] },
  limit: number,
): Promise<AiUsageTotalRow[]> {
  const { rows } = await db.query<AiUsageTotalRow>(
    `SELECT app, model, provider, instance, count(*)::int AS calls,
            (count(*) FILTER (WHERE outcome <> 'ok'))::int AS failed,
            sum(prompt_tokens)::bigint AS prompt_tokens, sum(completion_tokens)::bigint AS completion_tokens,
            sum(credits)::bigint AS credits, count(DISTINCT user_id)::int AS people
     FROM ai_usage_log
     WHERE created_at >= $1 AND ($2::text[] IS NULL OR app = ANY($2))
     GROUP BY app, model, provider, instance
     ORDER BY calls DESC, app, model, instance NULLS FIRST LIMIT $3`,
    [filter.since, filter.apps ?? null, limit],
  );
  return rows.map((r) => ({
    ...r,
    prompt_tokens: Number(r.prompt_tokens),
    completion_tokens: Number(r.completion_tokens),
    credits: Number(r.credits),
  }));
}
