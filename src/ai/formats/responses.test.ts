// The Responses API request as a chat call: items in order, function calls joined to the
// assistant's turn, results paired with their calls, and what is refused.
import { describe, expect, it } from 'vitest';
import { parseCompletions } from './completions.ts';
import { parseOpenAIEmbeddings } from './embeddings.ts';
import { parseResponses } from './responses.ts';

describe('parseResponses', () => {
  it('turns instructions and items into messages, the calls in the assistant turn and the results paired', () => {
    const call = parseResponses({
      model: 'llama3.2',
      instructions: 'be brief',
      input: [
        { role: 'user', content: 'weather?' },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'let me look' }] },
        { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' },
        { type: 'function_call_output', call_id: 'call_1', output: { type: 'input_text', text: 'snow' } },
        { type: 'reasoning', id: 'rs_1', summary: [] },
      ],
      max_output_tokens: 100,
    });
    expect(call.messages).toEqual([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'weather?' },
      {
        role: 'assistant',
        content: 'let me look',
        toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' }],
      },
      { role: 'tool', content: 'snow', toolCallId: 'call_1', toolName: 'get_weather' },
    ]);
    expect(call.maxTokens).toBe(100);
    expect(call.stream).toBe(false);
  });

  it('refuses what it cannot serve, naming the field', () => {
    const refusal = (body: unknown) => {
      try {
        parseResponses(body);
      } catch (error) {
        return (error as { details?: { field?: string } }).details?.field;
      }
      return undefined;
    };
    expect(refusal({ model: 'm', input: 'x', previous_response_id: 42 })).toBe('previous_response_id');
    expect(refusal({ model: 'm', input: 'x', previous_response_id: 'chat_1' })).toBe('previous_response_id');
    expect(refusal({ model: 'm', input: 'x', store: 'yes' })).toBe('store');
    expect(refusal({ model: 'm', input: 'x', tools: [{ type: 'web_search_preview' }] })).toBe('tools[0]');
    expect(refusal({ model: 'm', input: [] })).toBe('input');
    expect(refusal({ model: 'm', input: [{ type: 'item_reference', id: 'x' }] })).toBe('input[0].type');
    expect(
      refusal({
        model: 'm',
        input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'https://x/y.png' }] }],
      }),
    ).toBe('input[0].content[0]');
  });
});

describe('parseResponses with a stored chain', () => {
  it('puts the chain before the new input, stores by default, and names only the request its own items', () => {
    const previous = [
      { type: 'message', id: 'msg_1', role: 'user', content: [{ type: 'input_text', text: 'weather?' }] },
      { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'get_weather', arguments: '{}' },
    ];
    const call = parseResponses(
      {
        model: 'm',
        previous_response_id: 'resp_abc',
        input: [{ type: 'function_call_output', call_id: 'call_1', output: 'snow' }],
      },
      previous,
    );
    expect(call.previousResponseId).toBe('resp_abc');
    expect(call.store).toBe(true);
    expect(call.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    expect(call.messages[2]).toMatchObject({ toolCallId: 'call_1', toolName: 'get_weather' });
    expect(call.inputItems).toEqual([
      { type: 'function_call_output', call_id: 'call_1', output: 'snow', id: expect.stringMatching(/^fc_/) },
    ]);
    expect(parseResponses({ model: 'm', input: 'hi', store: false }).store).toBe(false);
    expect(parseResponses({ model: 'm', input: 'hi' }).inputItems).toEqual([
      {
        type: 'message',
        id: expect.stringMatching(/^msg_/),
        role: 'user',
        content: [{ type: 'input_text', text: 'hi' }],
      },
    ]);
    expect(() => parseResponses({ model: 'm', input: [{ type: 'nope' }] }, previous)).toThrow(
      /input\[0\]\.type/,
    );
  });
});

describe('parseCompletions and parseOpenAIEmbeddings', () => {
  it("default to OpenAI's 16 output tokens and check prompts times n", () => {
    expect(parseCompletions({ model: 'm', prompt: 'x' })).toMatchObject({
      maxTokens: 16,
      prompts: ['x'],
      n: 1,
    });
    expect(() => parseCompletions({ model: 'm', prompt: ['a', 'b', 'c'], n: 3 })).toThrow(/at most 8/);
    // Token prompts are taken (only OpenAI models honour them), counted exactly; others refused.
    expect(parseCompletions({ model: 'm', prompt: [1, 2] })).toMatchObject({
      prompts: ['1 2'],
      promptTokens: 2,
    });
    expect(parseCompletions({ model: 'm', prompt: [[1, 2], [3]] })).toMatchObject({ promptTokens: 3 });
    expect(() => parseCompletions({ model: 'm', prompt: [1, 'a'] })).toThrow(/token array/);
    expect(() => parseCompletions({ model: 'm', prompt: [[]] })).toThrow(/token array/);
  });

  it('takes strings and token arrays, and refuses empty input', () => {
    expect(parseOpenAIEmbeddings({ model: 'm', input: ['a', 'b'] })).toMatchObject({
      texts: ['a', 'b'],
      tokens: false,
    });
    expect(parseOpenAIEmbeddings({ model: 'm', input: [[1, 2]] })).toMatchObject({ tokens: true });
    expect(() => parseOpenAIEmbeddings({ model: 'm', input: '' })).toThrow(/empty/);
    expect(() => parseOpenAIEmbeddings({ model: 'm', input: 'a', encoding_format: 'int8' })).toThrow(
      /encoding_format/,
    );
  });
});
