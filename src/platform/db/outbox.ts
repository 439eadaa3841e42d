// The transactional outbox a service keeps in its own database (tables `outbox` and
// `outbox_cursors`, the same shape wherever they are): events written in the transaction of the
// change they describe, consumed at least once by other services, each with its own cursor.
import type { Queryable } from './database.ts';

export interface StoredOutboxEvent {
  eventId: number;
  topic: string;
  payload: Record<string, unknown>;
  createdAt: Date;
}

/** The outbox of one service: `name` makes its NOTIFY channel and its writers' lock. */
export function createOutboxStore(name: string) {
  const channel = `calos_${name}_outbox`;
  const lockKey = `calos.${name}.outbox`;
  return {
    /** The NOTIFY channel that wakes consumers when events commit. */
    channel,

    /**
     * Call inside the transaction that makes the change the event describes; `at` is the
     * service clock's time, the one pruning compares with.
     */
    async enqueue(tx: Queryable, topic: string, payload: Record<string, unknown>, at: Date): Promise<void> {
      // Writers take turns until commit, so event ids become visible in order and a consumer's
      // cursor never skips an id that commits late.
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [lockKey]);
      await tx.query('INSERT INTO outbox (topic, payload, created_at) VALUES ($1, $2, $3)', [
        topic,
        JSON.stringify(payload),
        at,
      ]);
      // Delivered at commit: wakes consumers at once instead of at their next poll.
      await tx.query('SELECT pg_notify($1, $2)', [channel, topic]);
    },

    /** The consumer's next events after its cursor, oldest first. */
    async pull(db: Queryable, consumer: string, limit: number): Promise<StoredOutboxEvent[]> {
      const { rows } = await db.query<{
        event_id: number;
        topic: string;
        payload: Record<string, unknown>;
        created_at: Date;
      }>(
        `SELECT event_id, topic, payload, created_at FROM outbox
         WHERE event_id > COALESCE((SELECT last_event_id FROM outbox_cursors WHERE consumer = $1), 0)
         ORDER BY event_id LIMIT $2`,
        [consumer, limit],
      );
      return rows.map((r) => ({
        eventId: r.event_id,
        topic: r.topic,
        payload: r.payload,
        createdAt: r.created_at,
      }));
    },

    /** Moves the consumer's cursor forward (never back). */
    async ack(db: Queryable, consumer: string, eventId: number): Promise<void> {
      await db.query(
        `INSERT INTO outbox_cursors (consumer, last_event_id) VALUES ($1, $2)
         ON CONFLICT (consumer) DO UPDATE SET last_event_id = GREATEST(outbox_cursors.last_event_id, EXCLUDED.last_event_id)`,
        [consumer, eventId],
      );
    },

    /**
     * Deletes events made before `before` that every consumer known to the outbox has
     * acknowledged; an event a consumer has not reached yet stays however old it is. Resolves
     * with how many went.
     */
    async prune(db: Queryable, before: Date): Promise<number> {
      const result = await db.query(
        `DELETE FROM outbox
         WHERE created_at < $1
           AND event_id <= (SELECT COALESCE(min(last_event_id), 0) FROM outbox_cursors)`,
        [before],
      );
      return result.rowCount;
    },
  };
}
