// OpenAI's legacy POST /v1/completions, for OpenAI's completion models (gpt-3.5-turbo-instruct,
// davinci-002, …) with the user's or the platform's key: the body goes as the gateway sets it,
// the answer comes back whole, or as its stream's chunks (ending at data: [DONE]).
import { endpoint, postJson, sseEvents } from './http.ts';
import { type ProviderTarget, UpstreamError } from './types.ts';

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function chunkOf(data: string, hasContent: boolean): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    value = undefined;
  }
  if (!isObject(value))
    throw new UpstreamError(
      `OpenAI sent something that is not a JSON object: ${data.slice(0, 200)}`,
      'broken_stream',
      200,
      'openai',
    );
  if (value.error !== undefined) {
    const message = isObject(value.error) ? String(value.error.message ?? '') : String(value.error);
    throw new UpstreamError(
      `OpenAI failed during the answer: ${message || 'no details given'}`,
      hasContent ? 'broken_stream' : 'server_error',
      200,
      'openai',
    );
  }
  return value;
}

/** The whole text_completion, or each chunk of a streamed one (`body.stream`). */
export async function* openaiCompletions(
  target: ProviderTarget,
  body: JsonObject & { stream: boolean },
  signal: AbortSignal,
): AsyncGenerator<JsonObject> {
  const response = await postJson(endpoint(target.baseUrl, '/v1/completions'), body, {
    signal,
    provider: 'openai',
    headers: {
      ...(target.apiKey ? { authorization: `Bearer ${target.apiKey}` } : {}),
      accept: body.stream ? 'text/event-stream' : 'application/json',
    },
  });
  if (!body.stream) {
    yield chunkOf(JSON.stringify(await response.json()), false);
    return;
  }
  let isDone = false;
  let hasContent = false;
  try {
    for await (const event of sseEvents(response.body)) {
      if (event.data === '[DONE]') {
        // Read on to the end of the body, so the connection can be reused.
        isDone = true;
        continue;
      }
      const chunk = chunkOf(event.data, hasContent);
      hasContent = true;
      yield chunk;
    }
  } catch (error) {
    if (!(isDone && error instanceof UpstreamError && error.kind === 'broken_stream')) throw error;
  }
  if (!isDone)
    throw new UpstreamError('OpenAI ended the stream before data: [DONE]', 'broken_stream', 200, 'openai');
}

/** The generated text a chunk (or a whole answer) carries, for estimating a broken stream's usage. */
export const completionTextOf = (chunk: JsonObject): string =>
  (Array.isArray(chunk.choices) ? chunk.choices : [])
    .map((choice) => (isObject(choice) && typeof choice.text === 'string' ? choice.text : ''))
    .join('');
