// CPU time of processes, read from /proc: each thread's time on a core (schedstat, in
// nanoseconds), so the main thread, V8's GC and compiler threads and libuv's pool all count, and
// the main thread's share apart. Wall-clock times on a shared 2-core machine say how busy the
// machine was; CPU time says what each process did.
import { readdirSync, readFileSync } from 'node:fs';

export interface CpuTime {
  /** Milliseconds on a core, all threads together (threads that ended meanwhile are lost). */
  all: number;
  /** Of which the main thread (JavaScript, the event loop). */
  main: number;
}

export function cpuOf(pid: number): CpuTime {
  let all = 0;
  let main = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      const ns = Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
      all += ns;
      if (task === String(pid)) main += ns;
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return { all: all / 1e6, main: main / 1e6 };
}

/** CPU time of each process, by name, from one snapshot to the next. */
export function cpuMeter(processes: Record<string, number>) {
  const read = () => Object.fromEntries(Object.entries(processes).map(([name, pid]) => [name, cpuOf(pid)]));
  return {
    names: Object.keys(processes),
    start() {
      const before = read();
      return (): Record<string, CpuTime> => {
        const after = read();
        return Object.fromEntries(
          Object.entries(after).map(([name, t]) => {
            const was = before[name] ?? { all: 0, main: 0 };
            return [name, { all: t.all - was.all, main: t.main - was.main }];
          }),
        );
      };
    },
  };
}
