// costume_ideas in hollowtown_db. Their upvotes are rows of the shared votes table (item_kind
// 'costume', src/community); the upvotes column is kept equal to the item's vote tally in the
// vote's transaction, with the costume row locked first (the same order as deleting a costume,
// so the two cannot deadlock).
import { withheldSql } from '../../community/store.ts';
import type { Queryable } from '../../platform/db/database.ts';
import {
  type ColumnKind,
  containsPattern,
  cursorTime,
  type KeysetPosition,
  keysetSql,
  Params,
  type RankPosition,
  rankOf,
  searchWords,
  setClause,
} from '../../platform/db/sql.ts';
import type { Difficulty, Ingredient } from '../client.ts';

export interface CostumeFields {
  costume_name: string;
  description: string | null;
  difficulty: Difficulty;
  materials: Ingredient[];
  cost_estimate_cents: number | null;
  image_url: string | null;
  tags: string[];
}

export interface CostumeRow extends CostumeFields {
  costume_id: string;
  user_id: string;
  upvotes: number;
  /** Whether the user asking has upvoted it. */
  has_upvoted: boolean;
  created_at: Date;
  updated_at: Date;
  cursor_at: string;
  /** Its marketplace listing while it is for sale (null otherwise). */
  sale_listing_id: string | null;
  sale_price: number | null;
  /**
   * Whether its pattern is sold in the marketplace: listed, or held by buyers (a purchase not
   * refunded). Then its description and materials are for its author and buyers only.
   */
  is_pattern_sold: boolean;
  /** Whether the viewer bought it (a completed purchase). */
  is_bought: boolean;
}

/** Whether `c`'s pattern is sold: listed, or held by buyers (a purchase not refunded). */
const patternSoldSql = `EXISTS (SELECT 1 FROM market_listings l WHERE l.costume_id = c.costume_id AND (l.is_listed OR EXISTS
    (SELECT 1 FROM market_purchases p WHERE p.listing_id = l.listing_id AND p.status <> 'refunded')))`;

/** Whether the viewer bought `c` (a completed purchase). */
const boughtSql = (
  viewer: string,
) => `EXISTS (SELECT 1 FROM market_listings l JOIN market_purchases p ON p.listing_id = l.listing_id
    WHERE l.costume_id = c.costume_id AND p.buyer_id = ${viewer} AND p.status = 'completed')`;

/** Columns of `c` (costume_ideas), with the viewer's vote and purchase read from the parameter `viewer`. */
const columns = (viewer: string) => `c.costume_id, c.user_id, c.costume_name, c.description, c.difficulty,
  c.materials, c.cost_estimate_cents, c.image_url, c.tags, c.upvotes, c.created_at, c.updated_at,
  EXISTS (SELECT 1 FROM votes v WHERE v.item_kind = 'costume' AND v.item_id = c.costume_id
    AND v.voter_id = ${viewer} AND v.is_active) AS has_upvoted,
  ${cursorTime('c.created_at')} AS cursor_at,
  (SELECT l.listing_id FROM market_listings l WHERE l.costume_id = c.costume_id AND l.is_listed) AS sale_listing_id,
  (SELECT l.price FROM market_listings l WHERE l.costume_id = c.costume_id AND l.is_listed) AS sale_price,
  ${patternSoldSql} AS is_pattern_sold,
  ${boughtSql(viewer)} AS is_bought`;

const EDITABLE: Readonly<Record<keyof CostumeFields, ColumnKind>> = {
  costume_name: 'plain',
  description: 'plain',
  difficulty: 'plain',
  materials: 'jsonb',
  cost_estimate_cents: 'plain',
  image_url: 'plain',
  tags: 'text[]',
};

export async function insertCostume(
  db: Queryable,
  userId: string,
  fields: CostumeFields,
): Promise<CostumeRow> {
  const { rows } = await db.query<CostumeRow>(
    `INSERT INTO costume_ideas AS c (user_id, costume_name, description, difficulty, materials,
       cost_estimate_cents, image_url, tags)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8::text[])
     RETURNING ${columns('$1')}`,
    [
      userId,
      fields.costume_name,
      fields.description,
      fields.difficulty,
      JSON.stringify(fields.materials),
      fields.cost_estimate_cents,
      fields.image_url,
      fields.tags,
    ],
  );
  return rows[0] as CostumeRow;
}

/** Any costume: the gallery is shared by every signed-in user. */
export async function findCostume(
  db: Queryable,
  viewerId: string,
  costumeId: string,
): Promise<CostumeRow | undefined> {
  const { rows } = await db.query<CostumeRow>(
    // Held back by moderation: only its author still sees it.
    `SELECT ${columns('$2')} FROM costume_ideas c
     WHERE c.costume_id = $1 AND (c.user_id = $2 OR NOT ${withheldSql('costume', 'c.costume_id')})`,
    [costumeId, viewerId],
  );
  return rows[0];
}

export async function updateCostume(
  db: Queryable,
  userId: string,
  costumeId: string,
  patch: Partial<CostumeFields>,
): Promise<CostumeRow | undefined> {
  const params = new Params();
  const set = setClause(patch, EDITABLE, params);
  const user = params.add(userId);
  const id = params.add(costumeId);
  if (!set) {
    const { rows } = await db.query<CostumeRow>(
      `SELECT ${columns(user)} FROM costume_ideas c WHERE c.costume_id = ${id} AND c.user_id = ${user}`,
      params.values,
    );
    return rows[0];
  }
  const { rows } = await db.query<CostumeRow>(
    `UPDATE costume_ideas AS c SET ${set} WHERE c.costume_id = ${id} AND c.user_id = ${user}
     RETURNING ${columns(user)}`,
    params.values,
  );
  return rows[0];
}

export async function deleteCostume(db: Queryable, userId: string, costumeId: string): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM costume_ideas WHERE costume_id = $1 AND user_id = $2', [
    costumeId,
    userId,
  ]);
  return rowCount > 0;
}

/** The costume for a vote, locked; undefined when it does not exist. Call inside a transaction. */
export async function lockCostumeForVote(
  tx: Queryable,
  costumeId: string,
): Promise<{ user_id: string; costume_name: string } | undefined> {
  const { rows } = await tx.query<{ user_id: string; costume_name: string }>(
    'SELECT user_id, costume_name FROM costume_ideas WHERE costume_id = $1 FOR UPDATE',
    [costumeId],
  );
  return rows[0];
}

/** Sets the costume's upvotes to its tally (inside the vote's transaction). */
export async function setCostumeUpvotes(tx: Queryable, costumeId: string, upvotes: number): Promise<void> {
  await tx.query('UPDATE costume_ideas SET upvotes = $2 WHERE costume_id = $1', [costumeId, upvotes]);
}

export interface CostumeFilter {
  viewerId: string;
  /** all: the whole gallery; mine: the viewer's ideas; upvoted: the ideas the viewer upvoted. */
  scope: 'all' | 'mine' | 'upvoted';
  tags: string[];
  difficulties: Difficulty[];
  maxCostCents?: number;
  q?: string;
  after?: KeysetPosition | RankPosition;
  /** top (default): most upvoted first; new: newest first. */
  sort?: 'top' | 'new';
  /** Only ideas created since then. */
  createdSince?: Date;
  limit: number;
}

const BY_TOP = keysetSql('desc', [
  ['c.upvotes', 'integer'],
  ['c.created_at', 'timestamptz'],
  ['c.costume_id', 'uuid'],
]);
const BY_NEW = keysetSql('desc', [
  ['c.created_at', 'timestamptz'],
  ['c.costume_id', 'uuid'],
]);

/**
 * Most upvoted first, then newest; keyset-paged on (upvotes, created_at, costume_id). Sorted by
 * new, on (created_at, costume_id).
 */
export async function listCostumes(db: Queryable, filter: CostumeFilter): Promise<CostumeRow[]> {
  const params = new Params();
  const viewer = params.add(filter.viewerId);
  const where = [`(c.user_id = ${viewer} OR NOT ${withheldSql('costume', 'c.costume_id')})`];
  if (filter.createdSince) where.push(`c.created_at >= ${params.add(filter.createdSince)}::timestamptz`);
  if (filter.scope === 'mine') where.push(`c.user_id = ${viewer}`);
  if (filter.scope === 'upvoted') {
    where.push(
      `EXISTS (SELECT 1 FROM votes m WHERE m.item_kind = 'costume' AND m.item_id = c.costume_id
        AND m.voter_id = ${viewer} AND m.is_active)`,
    );
  }
  if (filter.tags.length > 0) where.push(`c.tags @> ${params.add(filter.tags)}::text[]`);
  if (filter.difficulties.length > 0)
    where.push(`c.difficulty = ANY(${params.add(filter.difficulties)}::text[])`);
  if (filter.maxCostCents !== undefined)
    where.push(`c.cost_estimate_cents <= ${params.add(filter.maxCostCents)}`);
  for (const word of searchWords(filter.q)) {
    const pattern = params.add(containsPattern(word));
    // A sold pattern's description is not searched for those who may not read it: a match
    // would tell them what it says.
    where.push(
      `(c.costume_name ILIKE ${pattern} OR (c.description ILIKE ${pattern} AND (c.user_id = ${viewer}
        OR NOT ${patternSoldSql} OR ${boughtSql(viewer)})))`,
    );
  }
  const byNew = filter.sort === 'new';
  const keys = byNew ? BY_NEW : BY_TOP;
  if (filter.after) {
    const { after } = filter;
    where.push(keys.after(byNew ? [after.at, after.id] : [rankOf(after), after.at, after.id], params));
  }
  const { rows } = await db.query<CostumeRow>(
    `SELECT ${columns(viewer)} FROM costume_ideas c WHERE ${where.join(' AND ')}
     ORDER BY ${keys.orderBy} LIMIT ${params.add(filter.limit)}`,
    params.values,
  );
  return rows;
}

/** No one: the public pages have no viewer whose upvote to read. */
const NO_VIEWER = '00000000-0000-0000-0000-000000000000';

/** A costume for its public page: the gallery is public. */
export async function findPublicCostume(db: Queryable, costumeId: string): Promise<CostumeRow | undefined> {
  const { rows } = await db.query<CostumeRow>(
    `SELECT ${columns('$2')} FROM costume_ideas c WHERE c.costume_id = $1 AND NOT ${withheldSql('costume', 'c.costume_id')}`,
    [costumeId, NO_VIEWER],
  );
  return rows[0];
}

/** An author's costume ideas, newest first. */
export async function listCostumesBy(db: Queryable, userId: string, limit: number): Promise<CostumeRow[]> {
  const { rows } = await db.query<CostumeRow>(
    `SELECT ${columns('$3')} FROM costume_ideas c WHERE c.user_id = $1 AND NOT ${withheldSql('costume', 'c.costume_id')}
     ORDER BY c.created_at DESC, c.costume_id DESC LIMIT $2`,
    [userId, limit, NO_VIEWER],
  );
  return rows;
}

/** Costumes' ids and last changes, most recently changed first (the sitemap). */
export async function costumeVersions(
  db: Queryable,
  limit: number,
): Promise<{ id: string; updatedAt: Date }[]> {
  const { rows } = await db.query<{ id: string; updated_at: Date }>(
    `SELECT c.costume_id AS id, c.updated_at FROM costume_ideas c WHERE NOT ${withheldSql('costume', 'c.costume_id')}
     ORDER BY c.updated_at DESC, c.costume_id DESC LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({ id: r.id, updatedAt: r.updated_at }));
}
