// Writes the usage log off the request path: a finished call queues its row and answers at
// once; rows are written every few hundred milliseconds. Reading usage in this process flushes
// first, so a user always sees their own calls; the gateway flushes on shutdown.
import type { AiUsageRecord, IdentityClient } from '../../identity/client.ts';
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

  const flush = (): Promise<void> => {
    clearTimeout(timer);
    timer = undefined;
    flushing = flushing.then(async () => {
      const rows = pending;
      pending = [];
      for (const row of rows) {
        await identity()
          .ai.recordUsage(row)
          .catch((error: unknown) => logger.error({ err: error }, 'recording AI usage failed'));
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
