// notice_keys: which notices an app handed over have been mailed, by the app's own key.
import type { Queryable } from '../../platform/db/database.ts';

/** True the first time a key is seen (mail it), false after (mailed already). */
export async function claimNoticeKey(db: Queryable, key: string, now: Date): Promise<boolean> {
  const result = await db.query(
    'INSERT INTO notice_keys (notice_key, created_at) VALUES ($1, $2) ON CONFLICT (notice_key) DO NOTHING',
    [key, now],
  );
  return result.rowCount > 0;
}

export async function pruneNoticeKeys(db: Queryable, before: Date): Promise<number> {
  const result = await db.query('DELETE FROM notice_keys WHERE created_at < $1', [before]);
  return result.rowCount;
}
