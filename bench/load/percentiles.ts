// Latency percentiles from raw samples (nearest rank), and how numbers are shown in tables.

export interface Percentiles {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export function percentilesOf(samples: readonly number[]): Percentiles {
  if (samples.length === 0) throw new Error('no samples to take percentiles of');
  const sorted = Float64Array.from(samples).sort();
  const rank = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
  return {
    count: sorted.length,
    p50: rank(50),
    p90: rank(90),
    p99: rank(99),
    max: sorted[sorted.length - 1] as number,
  };
}

/** Milliseconds with two decimals (sub-millisecond differences are the point here). */
export const formatMs = (value: number) => value.toFixed(2);

/** A signed difference in milliseconds, e.g. "+0.41". */
export const formatDelta = (value: number) => `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(2)}`;

/** Whole numbers with thousands separators, e.g. "12 345". */
export const formatCount = (value: number) => Math.round(value).toLocaleString('en-US').replaceAll(',', ' ');
