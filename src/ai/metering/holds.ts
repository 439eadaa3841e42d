// How much a metered call must hold before it reaches a model: its worst case, so that settling
// from the real token counts can never need more than was held. Every endpoint that runs a
// priced model sizes its hold here (startRun does it for everything that goes through it).
import type { ModelPrice } from '../../platform/ai-config.ts';

/**
 * Tokens a chat template may add around the whole prompt (begin-of-text, the assistant's
 * header) and around each message (role markers, end-of-turn). Generous on purpose: templates
 * of the models served today add under 10 per message.
 */
const PROMPT_OVERHEAD_TOKENS = 64;
const MESSAGE_OVERHEAD_TOKENS = 16;
/** More than any vision model served today turns one image into (Llama 3.2 Vision: 6404). */
const IMAGE_TOKEN_CEILING = 8192;

export interface PromptParts {
  /** Every piece of text the model reads: message contents, a system prompt, a schema, tools. */
  texts: readonly string[];
  /** Messages (or turns) the texts arrive in; each gets its template's markers. */
  messages?: number;
  images?: number;
}

/**
 * The most prompt tokens these parts can count as, for any tokenizer: every token stands for
 * at least one byte of UTF-8 (byte-level BPE and SentencePiece with byte fallback alike), plus
 * what the chat template adds. An upper bound, not an estimate: the hold returns the rest.
 */
export function promptTokenCeiling(parts: PromptParts): number {
  let bytes = 0;
  for (const text of parts.texts) bytes += Buffer.byteLength(text, 'utf8');
  const messages = parts.messages ?? parts.texts.length;
  return (
    bytes +
    PROMPT_OVERHEAD_TOKENS +
    messages * MESSAGE_OVERHEAD_TOKENS +
    (parts.images ?? 0) * IMAGE_TOKEN_CEILING
  );
}

export interface Hold {
  /** Credits to hold: what the call costs at most. 0 when the model's prices are all zero. */
  credits: number;
  /** The output limit the call must be sent upstream with, so that it cannot exceed the hold. */
  maxOutputTokens: number;
}

/**
 * The hold of one call of a priced model: `promptTokens` (from promptTokenCeiling) at the
 * dearer of the prompt prices, plus the output limit at the completion price. The output limit
 * is what the caller asked for (max_tokens, num_predict) up to the model's ceiling, or the
 * ceiling when it asked for none; `requestedMaxOutput` 0 means the call generates nothing
 * (embeddings).
 */
export function holdFor(
  price: ModelPrice,
  promptTokens: number,
  requestedMaxOutput: number | undefined,
): Hold {
  const maxOutputTokens =
    requestedMaxOutput === undefined
      ? price.maxOutputTokens
      : Math.min(Math.max(0, Math.floor(requestedMaxOutput)), price.maxOutputTokens);
  const promptRate = Math.max(price.prompt, price.cachedPrompt);
  const cost = (promptTokens * promptRate + maxOutputTokens * price.completion) / 1000;
  return { credits: cost > 0 ? Math.ceil(cost) : 0, maxOutputTokens };
}
