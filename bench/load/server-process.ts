// A server under load runs in its own process, so that the load generator does not share its
// event loop: spawnServer forks an entry script, which calls serveInChild and reports its URL.
// The parent can also have the child record a CPU profile of some stretch of work.
import { type ChildProcess, fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

export interface ServerProcess {
  readonly url: string;
  readonly pid: number;
  /**
   * Records a V8 CPU profile of the server while `work` runs, into `file` (.cpuprofile), and
   * the CPU time (user + system) the server used meanwhile.
   */
  profile<T>(file: string, work: () => Promise<T>): Promise<{ value: T; cpuMs: number }>;
  /** Asks the server to stop cleanly, then kills it if it has not exited in time. */
  stop(): Promise<void>;
}

export interface SpawnOptions {
  /** A script that calls serveInChild. */
  entry: string;
  /** For messages: what the process is. */
  name: string;
  args?: string[];
  env?: Record<string, string>;
  timeoutMs?: number;
}

type ChildMessage =
  | { type: 'ready'; url: string }
  | { type: 'failed'; message: string }
  | { type: 'profiling' }
  | { type: 'profile-written'; cpuMs: number };

type ParentMessage = { type: 'stop' } | { type: 'profile-start' } | { type: 'profile-stop'; file: string };

/** Microseconds between two samples (V8's default is 1000). */
const SAMPLING_INTERVAL_US = 250;

const STOP_TIMEOUT_MS = 15_000;
const OUTPUT_TAIL_CHARS = 3_000;

export async function spawnServer(options: SpawnOptions): Promise<ServerProcess> {
  const child = fork(options.entry, options.args ?? [], {
    // As `npm start` and the Docker image run CALOS; peers and bare baselines get the same flag,
    // so a comparison measures the code, not the heap setting.
    execArgv: ['--max-semi-space-size=64', '--import', 'tsx'],
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const tail = captureTail(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let hasExited = false;
  exited.then(() => {
    hasExited = true;
  });

  const kill = async () => {
    if (hasExited) return;
    child.kill('SIGKILL');
    await exited;
  };

  const send = (message: ParentMessage) => child.send(message);
  /** The next message of a type from the child. */
  const answer = <Type extends ChildMessage['type']>(type: Type) =>
    new Promise<Extract<ChildMessage, { type: Type }>>((resolve, reject) => {
      const onMessage = (message: ChildMessage) => {
        if (message.type !== type) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(message as Extract<ChildMessage, { type: Type }>);
      };
      const onExit = () => reject(new Error(`${options.name} exited while profiling`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });

  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`${options.name} did not start within ${(options.timeoutMs ?? 60_000) / 1000} s`)),
        options.timeoutMs ?? 60_000,
      );
      child.on('message', (message: ChildMessage) => {
        clearTimeout(timer);
        if (message.type === 'ready') resolve(message.url);
        else if (message.type === 'failed')
          reject(new Error(`${options.name} failed to start: ${message.message}`));
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${options.name} exited before it was ready (${signal ?? `code ${code}`})`));
      });
      child.once('error', reject);
    });
    let stopping: Promise<void> | undefined;
    return {
      url,
      pid: child.pid ?? -1,
      async profile<T>(file: string, work: () => Promise<T>) {
        const started = answer('profiling');
        send({ type: 'profile-start' });
        await started;
        const stopProfiling = () => {
          const written = answer('profile-written');
          send({ type: 'profile-stop', file });
          return written;
        };
        let value: T;
        try {
          value = await work();
        } catch (error) {
          await stopProfiling();
          throw error;
        }
        const { cpuMs } = await stopProfiling();
        return { value, cpuMs };
      },
      stop: () => {
        stopping ??= (async () => {
          if (hasExited) return;
          send({ type: 'stop' });
          const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
          await exited;
          clearTimeout(timer);
        })();
        return stopping;
      },
    };
  } catch (error) {
    await kill();
    const output = tail();
    throw new Error(`${(error as Error).message}${output ? `; its output ends with:\n${output}` : ''}`);
  }
}

function captureTail(child: ChildProcess): () => string {
  let text = '';
  const keep = (chunk: string) => {
    text = (text + chunk).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.setEncoding('utf8').on('data', keep);
  child.stderr?.setEncoding('utf8').on('data', keep);
  return () => text.trim();
}

export interface Served {
  url: string;
  stop(): Promise<void>;
}

/**
 * The child's side: start, report the URL to the parent, profile when asked, and stop cleanly
 * when the parent asks, disconnects (it died) or sends SIGTERM.
 */
export function serveInChild(start: () => Promise<Served>): void {
  const send = (message: ChildMessage, then?: () => void) => {
    if (process.send) process.send(message, undefined, {}, () => then?.());
    else then?.();
  };
  start().then(
    (served) => {
      let isStopping = false;
      const stop = () => {
        if (isStopping) return;
        isStopping = true;
        served.stop().then(
          () => process.exit(0),
          (error: unknown) => {
            process.stderr.write(`stopping failed: ${(error as Error).message}\n`);
            process.exit(1);
          },
        );
      };
      const profiler = new Session();
      let cpuAtStart = process.cpuUsage();
      process.on('message', (message: ParentMessage) => {
        if (message.type === 'stop') stop();
        else if (message.type === 'profile-start') {
          profiler.connect();
          profiler
            .post('Profiler.enable')
            .then(() => profiler.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US }))
            .then(() => profiler.post('Profiler.start'))
            .then(() => {
              cpuAtStart = process.cpuUsage();
              send({ type: 'profiling' });
            });
        } else if (message.type === 'profile-stop') {
          profiler.post('Profiler.stop').then(({ profile }) => {
            const cpu = process.cpuUsage(cpuAtStart);
            writeFileSync(message.file, JSON.stringify(profile));
            profiler.disconnect();
            send({ type: 'profile-written', cpuMs: (cpu.user + cpu.system) / 1000 });
          });
        }
      });
      process.once('disconnect', stop);
      process.once('SIGTERM', stop);
      send({ type: 'ready', url: served.url });
    },
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      send({ type: 'failed', message }, () => process.exit(1));
    },
  );
}
