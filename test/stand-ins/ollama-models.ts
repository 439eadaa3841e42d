// The Ollama stand-in's model catalogue: names with tags, the /api/tags and /api/ps entries,
// and which models are loaded (in memory) right now.
import { createHash } from 'node:crypto';
import type { CommonOptions } from './server.ts';

export interface OllamaOptions extends CommonOptions {
  /** Installed models, e.g. ['llama3.2:latest', 'mistral:7b']; a name without a tag means :latest. */
  models: string[];
  /** Models in memory for /api/ps at start; a model used since becomes loaded too, as in Ollama. */
  loaded?: string[];
  /** Answer of /api/version. */
  version?: string;
  /** Length of the vectors /api/embed returns. */
  embeddingDimensions?: number;
  /**
   * Writes the reply to a chat or generate request (before any echo or JSON filler; a scripted
   * reply still wins). Undefined falls back to the default reply. The development stand-in
   * (`npm run ollama:dev`) answers recipes this way.
   */
  replyWith?: (request: {
    kind: 'chat' | 'generate';
    format: unknown;
    prompt: string;
    body: unknown;
  }) => string | undefined;
}

export const DEFAULT_OLLAMA_VERSION = '0.12.0';
/** Ollama keeps a model loaded this long after its last use (keep_alive default 5m). */
const KEEP_ALIVE_MS = 5 * 60_000;
const MODIFIED_AT = '2025-01-15T10:00:00.000000000Z';

export const withTag = (name: string): string => (name.includes(':') ? name : `${name}:latest`);

/** The installed name a request's model refers to, if any (case-insensitive, :latest implied). */
export function findModel(models: readonly string[], requested: string): string | undefined {
  const wanted = withTag(requested).toLowerCase();
  return models.map(withTag).find((name) => name.toLowerCase() === wanted);
}

export function describeModel(installed: string) {
  const name = withTag(installed);
  const [base = name, tag = 'latest'] = name.split(':');
  const digest = createHash('sha256').update(name).digest('hex');
  const family =
    base
      .replace(/^.*\//, '')
      .match(/^[a-z]+/i)?.[0]
      ?.toLowerCase() ?? 'llama';
  const parameters = tag.match(/(\d+(?:\.\d+)?)b/i)?.[1];
  return {
    name,
    model: name,
    modified_at: MODIFIED_AT,
    size: 1_000_000_000 + (Number.parseInt(digest.slice(0, 8), 16) % 4_000_000_000),
    digest,
    details: {
      parent_model: '',
      format: 'gguf',
      family,
      families: [family],
      parameter_size: parameters ? `${parameters}B` : '3.2B',
      quantization_level: 'Q4_K_M',
    },
  };
}

/** Models in memory, each with the time it will be unloaded. */
export class LoadedModels {
  private readonly expiries = new Map<string, number>();

  constructor(names: readonly string[] = []) {
    this.reset(names);
  }

  reset(names: readonly string[]) {
    this.expiries.clear();
    for (const name of names) this.touch(name);
  }

  touch(name: string) {
    this.expiries.set(withTag(name), Date.now() + KEEP_ALIVE_MS);
  }

  unload(name: string) {
    this.expiries.delete(withTag(name));
  }

  /** /api/ps entries, longest remaining first as Ollama sorts them. */
  entries() {
    const now = Date.now();
    return [...this.expiries]
      .filter(([, expiresAt]) => expiresAt > now)
      .sort((a, b) => b[1] - a[1])
      .map(([name, expiresAt]) => {
        const { modified_at: _unused, ...entry } = describeModel(name);
        return {
          ...entry,
          expires_at: new Date(expiresAt).toISOString(),
          size_vram: entry.size,
          context_length: 4096,
        };
      });
  }
}
