// Deterministic embeddings: the same model and text always give the same unit vector, different
// texts give different ones, so tests can compare vectors without a model.
import { createHash } from 'node:crypto';

export const DEFAULT_DIMENSIONS = 16;

export function embedText(model: string, text: string, dimensions = DEFAULT_DIMENSIONS): number[] {
  let state = createHash('sha256').update(`${model}\n${text}`).digest().readUInt32LE(0);
  const raw = Array.from({ length: Math.max(1, dimensions) }, () => {
    // mulberry32: small, fast, and stable across platforms.
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 31 - 1;
  });
  const norm = Math.sqrt(raw.reduce((sum, v) => sum + v * v, 0)) || 1;
  return raw.map((v) => Math.fround(v / norm));
}
