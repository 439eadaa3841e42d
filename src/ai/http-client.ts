// The AI client for an app in another process than the gateway: the app's call goes to the
// gateway's OpenAI-compatible endpoint with the user's own access token, so the same limits,
// routing and metering apply as for any other caller.
import { request } from 'undici';
import { AppError } from '../platform/errors.ts';
import type { AiChatRequest, AiChatResult, AiClient } from './client.ts';

export function createAiHttpClient(aiUrl: string): AiClient {
  const url = `${aiUrl.replace(/\/+$/, '')}/ai/v1/chat/completions`;
  const chat = async (input: AiChatRequest): Promise<AiChatResult> => {
    if (!input.accessToken) {
      throw new AppError(
        500,
        'AI_CLIENT_NEEDS_TOKEN',
        'The gateway runs elsewhere: pass the user’s access token',
      );
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
        model: input.model ?? '',
        messages: input.messages,
        ...(input.temperature === undefined ? {} : { temperature: input.temperature }),
        ...(input.schema
          ? {
              response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: input.schema } },
            }
          : {}),
      }),
    });
    const body = (await response.body.json()) as {
      model?: string;
      choices?: { message?: { content?: string } }[];
      usage?: { prompt_tokens?: number; completion_tokens?: number };
      error?: { code?: string; message?: string; details?: unknown };
    };
    if (response.statusCode >= 400) {
      throw new AppError(
        response.statusCode,
        body.error?.code ?? 'AI_GATEWAY_FAILED',
        body.error?.message ?? `The AI gateway answered ${response.statusCode}`,
        body.error?.details,
      );
    }
    const fallback = response.headers['x-calos-fallback'];
    const upstream = response.headers['x-calos-upstream'];
    return {
      text: body.choices?.[0]?.message?.content ?? '',
      model: body.model ?? '',
      provider: typeof upstream === 'string' ? upstream : 'ollama',
      fellBack: typeof fallback === 'string',
      usage: {
        promptTokens: body.usage?.prompt_tokens ?? 0,
        completionTokens: body.usage?.completion_tokens ?? 0,
        credits: 0,
      },
    };
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
