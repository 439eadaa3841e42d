// A whole CALOS platform for one test file, on isolated databases of one engine, listening on
// a free port: tests call it with app.inject (fast) or over real HTTP (clients, streams).

import { ALL_SERVICES, type RunningPlatform, startPlatform } from '../../src/main.ts';
import { createTestClock, type TestClock } from '../../src/platform/clock.ts';
import type { ServiceName } from '../../src/platform/config.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { DATABASE_NAMES } from '../../src/platform/databases.ts';
import type { Engine } from '../../src/platform/db/database.ts';
import { createLogger, type Logger } from '../../src/platform/logger.ts';
import { type IsolatedDatabases, isolatedDatabases } from './databases.ts';

export interface TestPlatform extends RunningPlatform {
  /** The platform's clock: ticks with real time from where the test set it; move it with advance/set. */
  clock: TestClock;
  engine: Engine;
  isolated: IsolatedDatabases;
  close(): Promise<void>;
}

export async function startTestPlatform(
  engine: Engine,
  options: {
    services?: ServiceName[];
    env?: Record<string, string>;
    clock?: TestClock;
    /** Where the platform logs (default: a logger at LOG_LEVEL, silent in tests). */
    logger?: Logger;
    /** Load the starter pack as `calos start` does (await platform.starterPack); off by default. */
    starterPack?: boolean;
  } = {},
): Promise<TestPlatform> {
  const clock = options.clock ?? createTestClock();
  const services = options.services
    ? ALL_SERVICES.filter((s) => options.services?.includes(s.name))
    : ALL_SERVICES;
  const isolated = await isolatedDatabases(engine, {
    names: DATABASE_NAMES.filter((name) => services.some((s) => s.database === name)),
  });
  const base = loadConfig({ NODE_ENV: 'test', PORT: '0', CALOS_DATA_DIR: isolated.dataDir, ...options.env });
  const config = Object.freeze({ ...base, databases: isolated.targets });
  try {
    const platform = await startPlatform({
      config,
      logger: options.logger ?? createLogger(config),
      services: options.services,
      clock,
      starterPack: options.starterPack,
    });
    return {
      ...platform,
      clock,
      engine,
      isolated,
      async close() {
        await platform.stop();
        await isolated.cleanup();
      },
    };
  } catch (error) {
    await isolated.cleanup();
    throw error;
  }
}
