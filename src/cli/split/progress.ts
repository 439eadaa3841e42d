// Progress of a split on stderr: on a terminal, one bar redrawn in place with rows per second
// and the tables in flight; otherwise (a log, CI) only a plain line per finished table.

export interface ProgressOutput {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

const BAR_WIDTH = 24;
const REDRAW_MS = 150;

export class SplitProgress {
  #rows = 0;
  #tablesDone = 0;
  readonly #active = new Set<string>();
  readonly #started = performance.now();
  #lastDraw = 0;
  /** Rows per second over the last few seconds, not since the start. */
  readonly #window: { at: number; rows: number }[] = [];
  #drawn = false;

  constructor(
    private readonly out: ProgressOutput,
    private readonly totalRows: number,
    private readonly totalTables: number,
  ) {}

  get isFancy(): boolean {
    return this.out.isTTY === true;
  }

  start(table: string): void {
    this.#active.add(table);
    this.#draw(true);
  }

  rows(count: number): void {
    this.#rows += count;
    this.#draw(false);
  }

  /** A table is over: its line is printed above the bar. */
  finish(table: string, line: string): void {
    this.#active.delete(table);
    this.#tablesDone++;
    this.#clear();
    this.out.write(`${line}\n`);
    this.#draw(true);
  }

  /** Any other line (a warning, a phase) printed above the bar. */
  note(line: string): void {
    this.#clear();
    this.out.write(`${line}\n`);
    this.#draw(true);
  }

  close(): void {
    this.#clear();
  }

  rate(): number {
    const now = performance.now();
    this.#window.push({ at: now, rows: this.#rows });
    while (this.#window.length > 2 && now - (this.#window[0]?.at ?? now) > 3000) this.#window.shift();
    const first = this.#window[0] ?? { at: this.#started, rows: 0 };
    const seconds = (now - first.at) / 1000;
    return seconds > 0.2
      ? (this.#rows - first.rows) / seconds
      : this.#rows / Math.max((now - this.#started) / 1000, 0.001);
  }

  #clear() {
    if (this.#drawn) this.out.write('\r\x1b[2K');
    this.#drawn = false;
  }

  #draw(force: boolean) {
    if (!this.isFancy) return;
    const now = performance.now();
    if (!force && now - this.#lastDraw < REDRAW_MS) return;
    this.#lastDraw = now;
    const share = this.totalRows > 0 ? Math.min(this.#rows / this.totalRows, 1) : 1;
    const filled = Math.round(share * BAR_WIDTH);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
    const active = [...this.#active].join(', ');
    let line =
      `${bar} ${(share * 100).toFixed(0).padStart(3)}%  ${formatCount(this.#rows)}/${formatCount(this.totalRows)} rows  ` +
      `${formatCount(Math.round(this.rate()))} rows/s  ${this.#tablesDone}/${this.totalTables} tables` +
      (active ? `  copying ${active}` : '');
    const width = this.out.columns ?? 120;
    if (line.length > width - 1) line = `${line.slice(0, width - 2)}…`;
    this.out.write(`\r\x1b[2K${line}`);
    this.#drawn = true;
  }
}

export const formatCount = (n: number): string => n.toLocaleString('en-US');
