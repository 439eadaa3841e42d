// POST /v1/completions as OpenAI answers it for its completion models (gpt-3.5-turbo-instruct,
// davinci-002, babbage-002): `prompt` a string or a list (or token arrays, one or a list), `n` and `best_of` answers per prompt,
// `echo`, max_tokens 16 unless set; a chat model is refused with 404 as OpenAI refuses it.
// Streamed: one chunk per word per choice, then each choice's finish_reason, then with
// include_usage a chunk with no choices and the usage, then data: [DONE].
import { randomBytes } from 'node:crypto';
import { field, numberField, stringField } from './body.ts';
import type { OpenAIOptions } from './openai-options.ts';
import type { Exchange } from './server.ts';
import { countWords, DEFAULT_TOKENS_PER_REPLY, echoReply, splitPieces, truncateWords } from './text.ts';
import { openStream, sendJson, streamPieces, writeSse } from './wire.ts';

const COMPLETION_MODEL = /instruct|^davinci|^babbage/;

const invalid = (status: number, message: string, param: string | null, code: string | null = null) => ({
  status,
  error: { message, type: 'invalid_request_error', param, code },
});

const isTokens = (value: unknown): value is number[] =>
  Array.isArray(value) && value.length > 0 && value.every((t) => Number.isInteger(t) && t >= 0);

/** The prompts asked for (token arrays as their ids), or an OpenAI error to answer with. */
function promptsOf(body: unknown, models: readonly string[]) {
  const model = stringField(body, 'model');
  if (model === undefined) return invalid(400, 'You must provide a model parameter.', null);
  if (!models.includes(model))
    return invalid(
      404,
      `The model \`${model}\` does not exist or you do not have access to it.`,
      null,
      'model_not_found',
    );
  if (!COMPLETION_MODEL.test(model))
    return invalid(
      404,
      'This is a chat model and not supported in the v1/completions endpoint. Did you mean to use v1/chat/completions?',
      'model',
    );
  const prompt = field(body, 'prompt');
  // Token ids stand for words here: a prompt of n ids counts n prompt tokens.
  const prompts = isTokens(prompt)
    ? [prompt.join(' ')]
    : Array.isArray(prompt) && prompt.length > 0 && prompt.every(isTokens)
      ? prompt.map((ids) => ids.join(' '))
      : typeof prompt === 'string'
        ? [prompt]
        : prompt;
  if (!Array.isArray(prompts) || prompts.length === 0 || !prompts.every((p) => typeof p === 'string'))
    return invalid(400, "'prompt' is a required property", 'prompt');
  if (field(body, 'stream_options') !== undefined && field(body, 'stream') !== true)
    return invalid(
      400,
      "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
      'stream_options',
    );
  return { model, prompts: prompts as string[] };
}

export function textCompletions(exchange: Exchange<OpenAIOptions>) {
  const { res, body, options } = exchange;
  const checked = promptsOf(body, options.models);
  if ('error' in checked) return sendJson(res, checked.status, { error: checked.error });
  const { model, prompts } = checked;
  const n = numberField(body, 'n') ?? 1;
  const limit = numberField(body, 'max_tokens') ?? 16;
  const echo = field(body, 'echo') === true;
  const choices = prompts.flatMap((prompt, p) =>
    Array.from({ length: n }, (_, i) => {
      const full =
        exchange.nextScripted() ?? echoReply(prompt, options.tokensPerReply ?? DEFAULT_TOKENS_PER_REPLY);
      const { text, isCut } = truncateWords(full, limit);
      return { index: p * n + i, prompt, text, finish: isCut ? 'length' : 'stop' };
    }),
  );
  // Prompts count once each; best_of answers are all generated (and billed), n of them returned.
  const bestOf = numberField(body, 'best_of') ?? n;
  const promptTokens = prompts.reduce((sum, p) => sum + countWords(p), 0);
  const completionTokens = Math.round(
    (choices.reduce((sum, c) => sum + countWords(c.text), 0) * Math.max(bestOf, n)) / n,
  );
  const usage = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
  const id = `cmpl-${randomBytes(15).toString('base64url').replace(/[-_]/g, 'x')}`;
  const created = Math.floor(Date.now() / 1000);
  const headers = { 'x-request-id': `req_${randomBytes(12).toString('hex')}` };

  if (field(body, 'stream') !== true) {
    return sendJson(
      res,
      200,
      {
        id,
        object: 'text_completion',
        created,
        model,
        choices: choices.map((c) => ({
          text: echo ? c.prompt + c.text : c.text,
          index: c.index,
          logprobs: null,
          finish_reason: c.finish,
        })),
        usage,
      },
      headers,
    );
  }
  const includeUsage = field(field(body, 'stream_options'), 'include_usage') === true;
  const chunk = (choice: object[], extra: object = includeUsage ? { usage: null } : {}) => ({
    id,
    object: 'text_completion',
    created,
    choices: choice,
    model,
    ...extra,
  });
  const piece = (index: number, text: string, finish: string | null = null) => ({
    text,
    index,
    logprobs: null,
    finish_reason: finish,
  });
  openStream(res, 'text/event-stream; charset=utf-8', headers);
  return (async () => {
    const pieces = choices.flatMap((c) =>
      [...(echo ? [c.prompt] : []), ...splitPieces(c.text)].map((text) => JSON.stringify([c.index, text])),
    );
    const isWhole = await streamPieces(exchange, pieces, (p) => {
      const [index, text] = JSON.parse(p) as [number, string];
      writeSse(res, chunk([piece(index, text)]));
    });
    if (!isWhole) return;
    for (const c of choices) writeSse(res, chunk([piece(c.index, '', c.finish)]));
    if (includeUsage) writeSse(res, chunk([], { usage }));
    writeSse(res, '[DONE]');
    res.end();
  })();
}
