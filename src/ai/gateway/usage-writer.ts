// Writes the usage log off the request path: a finished call queues its row and answers at
// once; rows are written every few hundred milliseconds, a batch in one statement. Reading usage
// in this process flushes first, so a user always sees their own calls; the gateway flushes on
// shutdown.
import { AI_USAGE_BATCH_LIMIT, type AiUsageRecord, type IdentityClient } from '../../identity/client.ts';
import type { Logger } from '../../platform/logger.ts';

const FLUSH_INTERVAL_MS = 250;
const MAX_PENDING = 10_000;

export interface UsageWriter {
  record(row: AiUsageRecord): void;
  flush(): Promise<void>;
  stop(): Promise<void>;
}

export function createUsageWriter(identity: () => IdentityClient, logger: Logger): UsageWriter {
  let pending: AiUsageRecord[] = [];
  let flushing: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  const writeOne = (row: AiUsageRecord) =>
    identity()
      .ai.recordUsage(row)
      .catch((error: unknown) => logger.error({ err: error }, 'recording AI usage failed'));
  // One statement per batch; if the table refuses it, row by row, so one bad row costs only itself.
  const writeBatch = async (rows: AiUsageRecord[]) => {
    if (rows.length === 1) return writeOne(rows[0] as AiUsageRecord);
    try {
      await identity().ai.recordUsageBatch(rows);
    } catch {
      for (const row of rows) await writeOne(row);
    }
  };

  const flush = (): Promise<void> => {
    clearTimeout(timer);
    timer = undefined;
    flushing = flushing.then(async () => {
      const rows = pending;
      pending = [];
      for (let start = 0; start < rows.length; start += AI_USAGE_BATCH_LIMIT) {
        await writeBatch(rows.slice(start, start + AI_USAGE_BATCH_LIMIT));
      }
    });
    return flushing;
  };

  return {
    record(row) {
      if (pending.length >= MAX_PENDING) {
        logger.warn('AI usage log is backed up; dropping the oldest pending row');
        pending.shift();
      }
      pending.push(row);
      timer ??= setTimeout(() => void flush(), FLUSH_INTERVAL_MS);
      timer.unref();
    },
    flush,
    stop: flush,
  };
}
