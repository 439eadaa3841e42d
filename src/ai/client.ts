// What the apps may ask of the AI gateway (the only door into it). Every call goes through the
// same per-user limits, key routing and metering as a call over HTTP.

export type CallingApp = 'hollowtown' | 'recipes' | 'family' | 'calos';

export interface AiMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface AiChatRequest {
  userId: string;
  /** The user's plan code, from their access token (decides limits and premium models). */
  plan: string;
  app: CallingApp;
  /** A model name; omitted, the user's preference (or the platform default) is used. */
  model?: string;
  messages: AiMessage[];
  /** A JSON schema the answer must follow (structured output); the reply is then JSON text. */
  schema?: Record<string, unknown>;
  temperature?: number;
  signal?: AbortSignal;
  /**
   * Called with each piece of the answer's text as the model writes it (the call is streamed
   * upstream); the result still carries the whole text.
   */
  onText?: (delta: string) => void;
  /** The caller's access token: needed when the gateway runs in another process. */
  accessToken?: string;
}

export interface AiChatResult {
  text: string;
  /** The model that really answered (after fallback). */
  model: string;
  /** 'ollama' or the BYOK provider. */
  provider: string;
  /** True when the requested model was not available and the fallback model answered. */
  fellBack: boolean;
  usage: { promptTokens: number; completionTokens: number; credits: number };
}

/** The gateway's error codes, for callers that switch on them or speak for the gateway (the CLI). */
export { AiErrors } from './errors.ts';
export { createAiHttpClient } from './http-client.ts';
/** Which provider a model name goes to, and Ollama's full name of a model (`llama3.2` → `llama3.2:latest`). */
export { normalizeOllamaModel, providerOfModel } from './providers/registry.ts';

export interface AiClient {
  chat(request: AiChatRequest): Promise<AiChatResult>;
  /** One prompt, one answer: a chat with a single user message. */
  generate(
    request: Omit<AiChatRequest, 'messages'> & { prompt: string; system?: string },
  ): Promise<AiChatResult>;
}
