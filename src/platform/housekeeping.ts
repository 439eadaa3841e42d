// A service's periodic clean-up: one task list run at start and then every interval, one run at
// a time, never keeping the process alive, logging what it changed and surviving its failures.
import type { Logger } from './logger.ts';

export interface HousekeepingTask {
  name: string;
  /** Resolves with how many rows it changed. */
  run(): Promise<number>;
}

export interface Housekeeping {
  /** Runs every task now (after a run already under way); resolves with the counts by task. */
  runOnce(): Promise<Record<string, number>>;
  start(): void;
  stop(): Promise<void>;
}

export function createHousekeeping(
  tasks: readonly HousekeepingTask[],
  options: { intervalMs: number; logger: Logger },
): Housekeeping {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<Record<string, number>> = Promise.resolve({});

  const runAll = async () => {
    const counts: Record<string, number> = {};
    for (const task of tasks) {
      try {
        counts[task.name] = await task.run();
        if (counts[task.name])
          options.logger.info({ task: task.name, count: counts[task.name] }, 'housekeeping');
      } catch (error) {
        options.logger.warn({ err: error, task: task.name }, 'housekeeping task failed; retried next round');
      }
    }
    return counts;
  };
  const runOnce = () => {
    running = running.then(runAll, runAll);
    return running;
  };

  return {
    runOnce,
    start() {
      if (timer) return;
      void runOnce();
      timer = setInterval(() => void runOnce(), options.intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running.catch(() => undefined);
    },
  };
}
