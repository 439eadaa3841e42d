// Options of the OpenAI-protocol stand-in (which also plays DeepSeek).
import type { CommonOptions } from './server.ts';

export interface OpenAIOptions extends CommonOptions {
  /** Keys accepted as `Authorization: Bearer <key>`; any other key gets 401. */
  apiKeys: string[];
  models: string[];
  /**
   * Cached prompt tokens reported when a request's first message repeats an earlier request's
   * (capped at prompt_tokens); by default the words of that first message.
   */
  cachedPromptTokens?: number;
  /** 'deepseek': DeepSeek's usage fields and 401 body, and its paths without /v1. */
  dialect?: 'openai' | 'deepseek';
  /** owned_by of /v1/models entries. */
  ownedBy?: string;
}
