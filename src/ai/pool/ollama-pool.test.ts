// The pool's health probe blames an instance for its own silence only: a gateway process that
// stalls while a probe is out (a long synchronous task, a machine too busy to run it) keeps an
// instance that answered, and an instance that does not answer still leaves the pool.
import { afterEach, describe, expect, it } from 'vitest';
import { type OllamaStandIn, startOllamaStandIn } from '../../../test/stand-ins/ollama.ts';
import { createLogger } from '../../platform/logger.ts';
import { OllamaPool } from './ollama-pool.ts';

const silentLogger = createLogger({ logLevel: 'silent' });

/** Keeps this process's event loop from running for `ms`, as a busy machine or a long task does. */
function stall(ms: number) {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy on purpose
  }
}

describe('the Ollama pool health probe', () => {
  const standIns: OllamaStandIn[] = [];
  afterEach(async () => {
    for (const standIn of standIns.splice(0)) await standIn.close();
  });

  const poolOver = async (options: Parameters<typeof startOllamaStandIn>[0], probeTimeoutMs: number) => {
    const standIn = await startOllamaStandIn(options);
    standIns.push(standIn);
    const pool = new OllamaPool({
      hosts: [standIn.url],
      maxConcurrencyPerInstance: 4,
      queueSize: 10,
      queueTimeoutMs: 1000,
      cooldownMs: 1000,
      healthIntervalMs: 3_600_000,
      logger: silentLogger,
      probeTimeoutMs,
    });
    return { standIn, pool, instance: pool.instances[0] as OllamaPool['instances'][number] };
  };

  it('keeps an instance that answers when the gateway stalls longer than the timeout while probing', async () => {
    const { pool, instance } = await poolOver({ models: ['llama3.2:latest'] }, 1000);
    await pool.probeAll();
    expect(pool.isAvailable(instance)).toBe(true);
    const probing = pool.probeAll();
    stall(1500);
    await probing;
    expect(instance.lastError).toBeNull();
    expect(pool.isAvailable(instance)).toBe(true);
    expect(pool.hasModel('llama3.2:latest')).toBe(true);
  });

  it('takes an instance that does not answer out within about its timeout', async () => {
    const { standIn, pool, instance } = await poolOver({ models: ['llama3.2:latest'] }, 300);
    await pool.probeAll();
    expect(pool.isAvailable(instance)).toBe(true);
    standIn.setOptions({ failWith: 'hang' });
    const started = performance.now();
    await pool.probeAll();
    expect(pool.isAvailable(instance)).toBe(false);
    expect(instance.lastError).toContain('300 ms');
    // Time in which this process ran counts: on a busy machine the probe may take longer, never forever.
    expect(performance.now() - started).toBeGreaterThanOrEqual(300);
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
