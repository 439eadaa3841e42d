import { describe, expect, it } from 'vitest';
import { createHousekeeping } from './housekeeping.ts';
import { createLogger } from './logger.ts';

const logger = createLogger({ logLevel: 'silent' });

describe('housekeeping', () => {
  it('runs every task, counts what each changed, and goes on after one fails', async () => {
    const housekeeping = createHousekeeping(
      [
        { name: 'broken', run: () => Promise.reject(new Error('database away')) },
        { name: 'sweep', run: async () => 3 },
      ],
      { intervalMs: 60_000, logger },
    );
    expect(await housekeeping.runOnce()).toEqual({ sweep: 3 });
  });

  it('never runs two rounds at once', async () => {
    let running = 0;
    let most = 0;
    const housekeeping = createHousekeeping(
      [
        {
          name: 'slow',
          async run() {
            running += 1;
            most = Math.max(most, running);
            await new Promise((resolve) => setTimeout(resolve, 20));
            running -= 1;
            return 1;
          },
        },
      ],
      { intervalMs: 60_000, logger },
    );
    await Promise.all([housekeeping.runOnce(), housekeeping.runOnce(), housekeeping.runOnce()]);
    expect(most).toBe(1);
  });

  it('runs at start, then every interval, and stops cleanly', async () => {
    let rounds = 0;
    const housekeeping = createHousekeeping([{ name: 'tick', run: async () => ++rounds }], {
      intervalMs: 10,
      logger,
    });
    housekeeping.start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await housekeeping.stop();
    const stoppedAt = rounds;
    expect(stoppedAt).toBeGreaterThan(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(rounds).toBe(stoppedAt);
  });
});
