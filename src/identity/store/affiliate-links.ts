// Whether a person sees "Buy at …" affiliate links in the apps (users.affiliate_links).
import type { Queryable } from '../../platform/db/database.ts';

/** undefined: no such account. */
export async function findAffiliateLinks(db: Queryable, userId: string): Promise<boolean | undefined> {
  const { rows } = await db.query<{ affiliate_links: boolean }>(
    'SELECT affiliate_links FROM users WHERE user_id = $1',
    [userId],
  );
  return rows[0]?.affiliate_links;
}

export async function updateAffiliateLinks(
  db: Queryable,
  userId: string,
  enabled: boolean,
): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE users SET affiliate_links = $2 WHERE user_id = $1', [
    userId,
    enabled,
  ]);
  return (rowCount ?? 0) > 0;
}
