// Ollama's POST /api/generate read as ChatEvents, for fronts that translate it (OpenAI's legacy
// completions): each streamed object's `response` a delta, the final object's counts the usage.
import { endpoint, postJson } from './http.ts';
import { ndjsonLines } from './ollama.ts';
import { type ChatEvent, type DoneReason, type ProviderTarget, UpstreamError } from './types.ts';

type JsonObject = Record<string, unknown>;

const count = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

function parse(line: string, hasContent: boolean): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    value = undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new UpstreamError(
      `Ollama sent something that is not a JSON object: ${line.slice(0, 200)}`,
      'broken_stream',
      200,
      'ollama',
    );
  const object = value as JsonObject;
  if (object.error !== undefined) {
    throw new UpstreamError(
      `Ollama failed during the answer: ${String(object.error)}`,
      hasContent ? 'broken_stream' : 'server_error',
      200,
      'ollama',
    );
  }
  return object;
}

const done = (object: JsonObject, model: string): ChatEvent => ({
  type: 'done',
  usage: {
    promptTokens: count(object.prompt_eval_count),
    completionTokens: count(object.eval_count),
    cachedPromptTokens: 0,
  },
  doneReason: (object.done_reason === 'length' ? 'length' : 'stop') as DoneReason,
  model: typeof object.model === 'string' ? object.model : model,
});

/** Streams (or answers whole, with `stream: false` in the body) one /api/generate call. */
export async function* generateEvents(
  target: ProviderTarget,
  body: JsonObject & { model: string; stream: boolean },
  signal: AbortSignal,
): AsyncGenerator<ChatEvent> {
  const response = await postJson(endpoint(target.baseUrl, '/api/generate'), body, {
    signal,
    provider: 'ollama',
  });
  if (!body.stream) {
    const object = parse(JSON.stringify(await response.json()), false);
    if (typeof object.response === 'string' && object.response !== '')
      yield { type: 'delta', content: object.response };
    yield done(object, body.model);
    return;
  }
  let final: JsonObject | undefined;
  let hasContent = false;
  try {
    for await (const line of ndjsonLines(response.body)) {
      const object = parse(line, hasContent);
      if (typeof object.response === 'string' && object.response !== '') {
        hasContent = true;
        yield { type: 'delta', content: object.response };
      }
      if (object.done === true) final = object;
    }
  } catch (error) {
    if (!(final && error instanceof UpstreamError && error.kind === 'broken_stream')) throw error;
  }
  if (!final)
    throw new UpstreamError(
      'Ollama ended the stream before its final object',
      'broken_stream',
      200,
      'ollama',
    );
  yield done(final, body.model);
}
