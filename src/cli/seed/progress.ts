// Progress of `calos seed` on stderr: on a terminal, one bar redrawn in place (recipes, rate,
// time left) with each event printed above it; otherwise (a log, CI) one plain line per event.
import type { SeedEvent } from './run.ts';

export interface ProgressOutput {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

const BAR_WIDTH = 24;

export class SeedProgress {
  readonly #started = performance.now();
  #created = 0;
  #duplicates = 0;
  #failed = 0;
  #total: number;
  #drawn = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly out: ProgressOutput,
    private readonly target: number,
    alreadySeeded: number,
  ) {
    this.#total = alreadySeeded;
    if (this.out.isTTY) {
      // Redrawn every second as well, so that the clock moves while a slow model thinks.
      this.#timer = setInterval(() => this.#draw(), 1000);
      this.#timer.unref();
      this.#draw();
    }
  }

  event(event: SeedEvent): void {
    switch (event.type) {
      case 'created':
        this.#created++;
        this.#total = event.total;
        this.#line(`${this.#counter()} ${event.name}`);
        break;
      case 'duplicate':
        this.#duplicates++;
        this.#line(`${' '.repeat(this.#counter().length)} skipped "${event.name}": the name exists already`);
        break;
      case 'failed':
        this.#failed++;
        this.#line(`${' '.repeat(this.#counter().length)} failed: ${event.message} [${event.code}]`);
        break;
      case 'waiting':
        this.#line(`waiting ${formatSeconds(event.seconds)}: ${event.reason}`);
        break;
    }
  }

  /** Any other line, printed above the bar. */
  note(line: string): void {
    this.#line(line);
  }

  close(): void {
    clearInterval(this.#timer);
    this.#clear();
  }

  #counter(): string {
    const width = String(this.target).length;
    return `[${String(this.#total).padStart(width)}/${this.target}]`;
  }

  #line(text: string): void {
    this.#clear();
    this.out.write(`${text}\n`);
    this.#draw();
  }

  #clear(): void {
    if (this.#drawn) this.out.write('\r\x1b[2K');
    this.#drawn = false;
  }

  #draw(): void {
    if (!this.out.isTTY) return;
    const share = this.target > 0 ? Math.min(this.#total / this.target, 1) : 1;
    const filled = Math.round(share * BAR_WIDTH);
    const seconds = (performance.now() - this.#started) / 1000;
    const perMinute = seconds > 0 ? (this.#created * 60) / seconds : 0;
    const left = this.target - this.#total;
    const eta =
      this.#created > 0 && left > 0 ? `  ~${formatSeconds((left * seconds) / this.#created)} left` : '';
    let line =
      `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)} ${(share * 100).toFixed(0).padStart(3)}%  ` +
      `${this.#total}/${this.target} recipes  ${this.#duplicates} duplicate${this.#duplicates === 1 ? '' : 's'}  ` +
      `${this.#failed} failed  ` +
      `${perMinute.toFixed(1)}/min  ${formatSeconds(seconds)}${eta}`;
    const width = this.out.columns ?? 120;
    if (line.length > width - 1) line = `${line.slice(0, width - 2)}…`;
    this.out.write(`\r\x1b[2K${line}`);
    this.#drawn = true;
  }
}

/** 42 s, 3 min 5 s, 1 h 2 min. */
export function formatSeconds(value: number): string {
  const total = Math.round(value);
  if (total < 60) return `${total} s`;
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return `${minutes} min ${total % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
