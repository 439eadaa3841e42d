// Min / median / max of timing samples, and a plain-text table to print them.

export interface Summary {
  min: number;
  median: number;
  max: number;
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error('no samples to summarize');
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? (sorted[middle] as number)
      : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return { min: sorted[0] as number, median, max: sorted[sorted.length - 1] as number };
}

export const ms = (value: number) => `${Math.round(value)}`;

/** Rows of a table whose first row is the header; first column left-aligned, the rest right. */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  const line = (row: readonly string[]) =>
    `| ${row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join(' | ')} |`;
  // The separator row is written the way Biome formats Markdown tables, so output pastes as is.
  const rule = line(
    widths.map((width, column) => (column === 0 ? '-'.repeat(width) : `${'-'.repeat(width - 1)}:`)),
  );
  const [header, ...body] = rows;
  return header ? [line(header), rule, ...body.map(line)].join('\n') : '';
}

/** One table row: a label, the sample count, then min / median / max in ms. */
export const summaryRow = (label: string, samples: readonly number[]): string[] => {
  const { min, median, max } = summarize(samples);
  return [label, String(samples.length), ms(min), ms(median), ms(max)];
};

export const SUMMARY_HEADER = ['', 'runs', 'min ms', 'median ms', 'max ms'];

/** One timing field of every run, e.g. samplesOf(runs, 'readyMs'). */
export const samplesOf = <T extends Record<K, number>, K extends keyof T>(
  runs: readonly T[],
  key: K,
): number[] => runs.map((run) => run[key]);
