// One neutral shape for a chat call and its answer, so every front format (Ollama-native,
// OpenAI-compatible) can reach every upstream (Ollama, OpenAI, DeepSeek, Anthropic).

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  /** Base64 images (Ollama `images`, OpenAI image_url data URLs). */
  images?: string[];
}

export interface ChatCall {
  /** The model name as the upstream knows it (e.g. 'gpt-4o', 'claude-3-5-sonnet-latest', 'llama3.2:latest'). */
  model: string;
  messages: ChatMessage[];
  stream: boolean;
  /** 'json' or a JSON schema: structured output. */
  format?: 'json' | Record<string, unknown>;
  temperature?: number;
  topP?: number;
  /** Upper bound on generated tokens. */
  maxTokens?: number;
  stop?: string[];
  seed?: number;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  /** Prompt tokens served from the provider's cache (billed at the cached rate). */
  cachedPromptTokens: number;
}

export type DoneReason = 'stop' | 'length' | 'content_filter' | 'error';

/** The upstream's own timings, in nanoseconds, when it reports them (Ollama does). */
export interface Timings {
  totalNs?: number;
  loadNs?: number;
  promptEvalNs?: number;
  evalNs?: number;
}

export type ChatEvent =
  | { type: 'delta'; content: string }
  | { type: 'done'; usage: Usage; doneReason: DoneReason; model: string; timings?: Timings };

/** A failure of the upstream, classified so the gateway knows whether to retry elsewhere. */
export class UpstreamError extends Error {
  constructor(
    message: string,
    readonly kind:
      | 'unreachable'
      | 'timeout'
      | 'server_error'
      | 'rejected_key'
      | 'bad_request'
      | 'not_found'
      | 'rate_limited'
      | 'broken_stream',
    readonly status?: number,
    readonly provider?: string,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }

  /** True when nothing reached a model, so another instance may be tried. */
  get isRetryable(): boolean {
    return this.kind === 'unreachable' || this.kind === 'timeout' || this.kind === 'server_error';
  }
}

export interface ProviderTarget {
  /** Base URL, e.g. http://127.0.0.1:11434 or https://api.openai.com. */
  baseUrl: string;
  apiKey?: string;
}

/** Talks to one kind of upstream. Streams yield deltas and end with exactly one 'done'. */
export interface ChatProvider {
  readonly name: 'ollama' | 'openai' | 'anthropic' | 'deepseek';
  chat(target: ProviderTarget, call: ChatCall, signal: AbortSignal): AsyncIterable<ChatEvent>;
}
