import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';
import { createOutboxConsumer } from './outbox-consumer.ts';

describe('an outbox consumer', () => {
  it('applies an event once more after reapplyAfterMs, for writes that were in flight the first time', async () => {
    const events = [
      { eventId: 1, topic: 'user.deleted' },
      { eventId: 2, topic: 'recipe.updated' },
    ];
    let cursor = 0;
    const handled: number[] = [];
    const consumer = createOutboxConsumer({
      name: 'test',
      source: {
        pull: async (_consumer, limit) => events.filter((e) => e.eventId > cursor).slice(0, limit),
        ack: async (_consumer, eventId) => {
          cursor = Math.max(cursor, eventId);
        },
      },
      handle: async (event) => {
        handled.push(event.eventId);
      },
      logger: createLogger({ logLevel: 'silent' }),
      reapplyAfterMs: (event) => (event.topic === 'user.deleted' ? 30 : undefined),
    });
    consumer.start();
    await consumer.drain();
    expect(handled).toEqual([1, 2]);
    const deadline = performance.now() + 5_000;
    while (handled.length < 3 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(handled).toEqual([1, 2, 1]);
    await consumer.stop();
  });

  it('acknowledges once per batch, the last event applied; after a failure, what was applied before it', async () => {
    const events = [1, 2, 3, 4, 5].map((eventId) => ({ eventId, topic: 'any' }));
    let cursor = 0;
    const acks: number[] = [];
    const handled: number[] = [];
    let failOn: number | undefined = 4;
    const consumer = createOutboxConsumer({
      name: 'test',
      source: {
        pull: async (_consumer, limit) => events.filter((e) => e.eventId > cursor).slice(0, limit),
        ack: async (_consumer, eventId) => {
          acks.push(eventId);
          cursor = Math.max(cursor, eventId);
        },
      },
      handle: async (event) => {
        if (event.eventId === failOn) throw new Error('not now');
        handled.push(event.eventId);
      },
      logger: createLogger({ logLevel: 'silent' }),
      batchSize: 10,
    });
    await expect(consumer.drain()).rejects.toThrow('not now');
    expect(acks).toEqual([3]);
    failOn = undefined;
    expect(await consumer.drain()).toBe(2);
    expect(handled).toEqual([1, 2, 3, 4, 5]);
    expect(acks).toEqual([3, 5]);
    expect(await consumer.drain()).toBe(0);
    expect(acks).toEqual([3, 5]);
  });
});
