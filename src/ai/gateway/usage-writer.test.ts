import { describe, expect, it } from 'vitest';
import type { AiUsageRecord, IdentityClient } from '../../identity/client.ts';
import { createLogger } from '../../platform/logger.ts';
import { createUsageWriter } from './usage-writer.ts';

const row = (app: string) => ({ userId: 'u', app }) as AiUsageRecord;

/** An identity whose batch call refuses any batch with a row of app 'bad', as a CHECK would. */
function fakeIdentity() {
  const batches: string[][] = [];
  const singles: string[] = [];
  const ai = {
    async recordUsageBatch(records: readonly AiUsageRecord[]) {
      if (records.some((r) => r.app === 'bad')) throw new Error('check constraint');
      batches.push(records.map((r) => r.app));
    },
    async recordUsage(record: AiUsageRecord) {
      if (record.app === 'bad') throw new Error('check constraint');
      singles.push(record.app);
    },
  };
  return { identity: { ai } as unknown as IdentityClient, batches, singles };
}

describe('the usage writer', () => {
  it('writes what is pending in one batch call on flush', async () => {
    const fake = fakeIdentity();
    const writer = createUsageWriter(() => fake.identity, createLogger({ logLevel: 'silent' }));
    for (const app of ['a', 'b', 'c']) writer.record(row(app));
    await writer.flush();
    expect(fake.batches).toEqual([['a', 'b', 'c']]);
    expect(fake.singles).toEqual([]);
  });

  it('falls back to row by row when a batch is refused, so one bad row costs only itself', async () => {
    const fake = fakeIdentity();
    const writer = createUsageWriter(() => fake.identity, createLogger({ logLevel: 'silent' }));
    for (const app of ['a', 'bad', 'c']) writer.record(row(app));
    await writer.stop();
    expect(fake.batches).toEqual([]);
    expect(fake.singles).toEqual(['a', 'c']);
  });
});
