// The AI client for an app in another process than the gateway: the app's call goes to the
// gateway's OpenAI-compatible endpoint with the user's own access token, so the same limits,
// routing and metering apply as for any other caller.
import { request } from 'undici';
import type { AiChatRequest, AiChatResult, AiClient } from './client.ts';
import { AiErrors } from './errors.ts';
import { sseEvents } from './providers/http.ts';

interface Completion {
  model?: string;
  choices?: { message?: { content?: string }; delta?: { content?: string } }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
  error?: { code?: string; message?: string; details?: unknown };
}

/** The answer's text and usage from an SSE stream of chunks, telling `onText` each piece. */
async function readStream(body: AsyncIterable<Uint8Array>, onText: (delta: string) => void) {
  let text = '';
  let model = '';
  let usage: Completion['usage'];
  for await (const event of sseEvents(body)) {
    if (event.data === '[DONE]') break;
    const chunk = JSON.parse(event.data) as Completion;
    if (chunk.error) {
      throw AiErrors.fromGateway(
        502,
        chunk.error.code,
        'AI_STREAM_FAILED',
        chunk.error.message ?? 'The AI stream broke',
      );
    }
    model = chunk.model ?? model;
    usage = chunk.usage ?? usage;
    const delta = chunk.choices?.[0]?.delta?.content;
    if (delta) {
      text += delta;
      onText(delta);
    }
  }
  return { text, model, usage };
}

export function createAiHttpClient(aiUrl: string): AiClient {
  const url = `${aiUrl.replace(/\/+$/, '')}/ai/v1/chat/completions`;
  const chat = async (input: AiChatRequest): Promise<AiChatResult> => {
    if (!input.accessToken) {
      throw AiErrors.clientNeedsToken();
    }
    const response = await request(url, {
      method: 'POST',
      signal: input.signal,
      headers: {
        authorization: `Bearer ${input.accessToken}`,
        'content-type': 'application/json',
        'x-calos-app': input.app,
      },
      body: JSON.stringify({
        ...(input.model ? { model: input.model } : {}),
        messages: input.messages,
        ...(input.onText ? { stream: true, stream_options: { include_usage: true } } : {}),
        ...(input.temperature === undefined ? {} : { temperature: input.temperature }),
        ...(input.schema
          ? {
              response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: input.schema } },
            }
          : {}),
      }),
    });
    if (response.statusCode < 400 && input.onText) {
      const streamed = await readStream(response.body, input.onText);
      return resultOf(streamed.text, streamed.model, streamed.usage, response.headers);
    }
    const body = (await response.body.json()) as Completion;
    if (response.statusCode >= 400) {
      throw AiErrors.fromGateway(
        response.statusCode,
        body.error?.code,
        'AI_GATEWAY_FAILED',
        body.error?.message ?? `The AI gateway answered ${response.statusCode}`,
        body.error?.details,
      );
    }
    return resultOf(
      body.choices?.[0]?.message?.content ?? '',
      body.model ?? '',
      body.usage,
      response.headers,
    );
  };
  return {
    chat,
    generate: ({ prompt, system, ...rest }) =>
      chat({
        ...rest,
        messages: [
          ...(system ? [{ role: 'system' as const, content: system }] : []),
          { role: 'user', content: prompt },
        ],
      }),
  };
}

function resultOf(
  text: string,
  model: string,
  usage: Completion['usage'],
  headers: Record<string, string | string[] | undefined>,
): AiChatResult {
  const fallback = headers['x-calos-fallback'];
  const upstream = headers['x-calos-upstream'];
  return {
    text,
    model,
    provider: typeof upstream === 'string' ? upstream : 'ollama',
    fellBack: typeof fallback === 'string',
    usage: {
      promptTokens: usage?.prompt_tokens ?? 0,
      completionTokens: usage?.completion_tokens ?? 0,
      credits: 0,
    },
  };
}
