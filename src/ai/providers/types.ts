// One neutral shape for a chat call and its answer, so every front format (Ollama-native,
// OpenAI-compatible) can reach every upstream (Ollama, OpenAI, DeepSeek, Anthropic).

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  /** Base64 images (Ollama `images`, OpenAI image_url data URLs). */
  images?: string[];
  /** An assistant's calls of the caller's tools. */
  toolCalls?: ToolCall[];
  /** A tool result: the call it answers, and the tool's name (Ollama's `tool_name`). */
  toolCallId?: string;
  toolName?: string;
}

/** One call of a tool; `arguments` is the JSON text of the arguments object, as OpenAI carries it. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** A function the model may call, its parameters a JSON schema. */
export interface ToolDefinition {
  name: string;
  description?: string;
  parameters: Record<string, unknown>;
  strict?: boolean;
}

/** Whether the model may (auto), must not (none), must (required) or must call this one tool. */
export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

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
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  /** false: at most one tool call per answer. */
  parallelToolCalls?: boolean;
  /** Ollama's own fields, passed on as they are when an Ollama instance answers. */
  ollama?: OllamaExtras;
}

export interface OllamaExtras {
  /** Every option (num_ctx, top_k, repeat_penalty, …), as the caller sent them. */
  options?: Record<string, unknown>;
  keepAlive?: string | number;
  think?: boolean | string;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  /** Prompt tokens served from the provider's cache (billed at the cached rate). */
  cachedPromptTokens: number;
}

export type DoneReason = 'stop' | 'length' | 'content_filter' | 'tool_calls' | 'error';

/** The upstream's own timings, in nanoseconds, when it reports them (Ollama does). */
export interface Timings {
  totalNs?: number;
  loadNs?: number;
  promptEvalNs?: number;
  evalNs?: number;
}

export type ChatEvent =
  | { type: 'delta'; content: string }
  /**
   * A piece of a tool call: the first piece of call `index` carries its id and name, each piece
   * some of its arguments' JSON text (a whole call is one piece with all of it).
   */
  | { type: 'tool_call'; index: number; id?: string; name?: string; arguments: string }
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
