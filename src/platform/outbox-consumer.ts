// Consumes another service's outbox at least once: pull a batch after this consumer's cursor,
// apply each event (handlers must be idempotent), acknowledge the last one applied, repeat.
// Polls on an interval and wakes early when `wake` signals (e.g. a LISTEN on the producer's
// channel).
import type { Logger } from './logger.ts';

export interface OutboxSource<Event extends { eventId: number }> {
  /** The events after the consumer's cursor, oldest (lowest eventId) first. */
  pull(consumer: string, limit: number): Promise<Event[]>;
  /**
   * Acknowledges `eventId` and every event of the last pull before it. The consumer calls it
   * once per batch, with the last event it applied: for a service in another process, one call
   * instead of one per event.
   */
  ack(consumer: string, eventId: number): Promise<void>;
}

export interface OutboxConsumerOptions<Event extends { eventId: number }> {
  name: string;
  source: OutboxSource<Event>;
  handle(event: Event): Promise<void>;
  logger: Logger;
  intervalMs?: number;
  batchSize?: number;
  /**
   * Applies an event once more this long after the first time (undefined: once is enough). For
   * events whose effect must also catch writes that were in flight when it happened, such as
   * user.deleted: a request authorised a moment before may commit after the first run.
   */
  reapplyAfterMs?: (event: Event) => number | undefined;
}

export interface OutboxConsumer {
  /** Processes everything pending now; resolves when the backlog is empty. */
  drain(): Promise<number>;
  start(): void;
  /** Asks for an early run (e.g. from a NOTIFY). */
  wake(): void;
  stop(): Promise<void>;
}

export function createOutboxConsumer<Event extends { eventId: number }>(
  options: OutboxConsumerOptions<Event>,
): OutboxConsumer {
  const intervalMs = options.intervalMs ?? 1000;
  const batchSize = options.batchSize ?? 100;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = true;
  let failures = 0;
  const reapplying = new Set<NodeJS.Timeout>();
  const reapplyLater = (event: Event) => {
    const delay = options.reapplyAfterMs?.(event);
    if (delay === undefined || stopped) return;
    const timer = setTimeout(() => {
      reapplying.delete(timer);
      if (stopped) return;
      options.handle(event).catch((error: unknown) => {
        options.logger.warn({ err: error, consumer: options.name }, 'outbox event re-applied with an error');
      });
    }, delay);
    timer.unref();
    reapplying.add(timer);
  };

  const drainOnce = async (): Promise<number> => {
    let applied = 0;
    for (;;) {
      const events = await options.source.pull(options.name, batchSize);
      let last: Event | undefined;
      try {
        for (const event of events) {
          await options.handle(event);
          last = event;
          reapplyLater(event);
          applied++;
        }
      } catch (error) {
        // What was applied before the failure stays applied; the rest comes again.
        if (last) await options.source.ack(options.name, last.eventId).catch(() => undefined);
        throw error;
      }
      if (last) await options.source.ack(options.name, last.eventId);
      if (events.length < batchSize) return applied;
    }
  };

  let queued: Promise<number> | undefined;
  const drain = (): Promise<number> => {
    // One run at a time. A caller arriving during a run gets a fresh run after it, since the
    // run in progress may have pulled before the caller's event was written.
    if (running) {
      queued ??= running
        .catch(() => 0)
        .then(() => {
          queued = undefined;
          return drain();
        });
      return queued;
    }
    running = drainOnce().finally(() => {
      running = undefined;
    });
    return running;
  };

  const schedule = (delay: number) => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(tick, delay);
    timer.unref();
  };

  const tick = () => {
    drain().then(
      () => {
        failures = 0;
        schedule(intervalMs);
      },
      (error: unknown) => {
        failures++;
        options.logger.warn(
          { err: error, consumer: options.name, failures },
          'outbox consumer failed; retrying',
        );
        schedule(Math.min(intervalMs * 2 ** failures, 30_000));
      },
    );
  };

  return {
    drain,
    start() {
      stopped = false;
      schedule(0);
    },
    wake() {
      schedule(0);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      for (const pending of reapplying) clearTimeout(pending);
      reapplying.clear();
      await running?.catch(() => undefined);
    },
  };
}
