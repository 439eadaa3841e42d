// The server-sent events of a Responses stream, built one way for a live answer and for the
// replay of a stored one (GET /v1/responses/{id}?stream=true): the same pieces in the same order
// give the same events with the same sequence numbers, so `starting_after` means the same in both.
import {
  type FunctionCallItem,
  inResponseOrder,
  type MessageItem,
  type OutputItem,
  type OutputText,
  outputText,
  responsesEvent,
  responsesId,
} from './response-object.ts';

/** [output index, length] of one delta, as a stored response keeps how its stream was cut. */
export type StreamDelta = [number, number];

export interface ResponseEvent {
  sequence: number;
  text: string;
}

/**
 * Writes the events of one answer. `output` is the answer's output as it grows (the live answer's
 * own list); `snapshot` is the response object as the lifecycle events carry it at that moment.
 */
export class ResponseEventWriter {
  private sequence = 0;
  private message: { item: MessageItem; index: number } | undefined;
  private readonly calls = new Map<number, { item: FunctionCallItem; index: number }>();
  /** How the stream was cut, for the stored response. */
  readonly deltas: StreamDelta[] = [];

  constructor(
    private readonly output: OutputItem[],
    private readonly snapshot: () => Record<string, unknown>,
  ) {}

  private event(type: string, fields: Record<string, unknown>): ResponseEvent {
    const sequence = this.sequence++;
    return { sequence, text: responsesEvent(type, sequence, fields) };
  }

  start(): ResponseEvent[] {
    return [
      this.event('response.created', { response: this.snapshot() }),
      this.event('response.in_progress', { response: this.snapshot() }),
    ];
  }

  /** A piece of the message's text; the first one opens the message (`id` when replaying). */
  text(delta: string, id: string = responsesId('msg')): ResponseEvent[] {
    if (!delta) return [];
    const events: ResponseEvent[] = [];
    if (!this.message) {
      const item: MessageItem = {
        type: 'message',
        id,
        status: 'in_progress',
        role: 'assistant',
        content: [],
      };
      this.message = { item, index: this.output.length };
      this.output.push(item);
      events.push(
        this.event('response.output_item.added', {
          output_index: this.message.index,
          item: { ...item, content: [] },
        }),
      );
      item.content.push(outputText(''));
      events.push(
        this.event('response.content_part.added', {
          item_id: item.id,
          output_index: this.message.index,
          content_index: 0,
          part: outputText(''),
        }),
      );
    }
    const { item, index } = this.message;
    (item.content[0] as OutputText).text += delta;
    this.deltas.push([index, delta.length]);
    events.push(
      this.event('response.output_text.delta', {
        item_id: item.id,
        output_index: index,
        content_index: 0,
        delta,
        logprobs: [],
      }),
    );
    return events;
  }

  /** A piece of function call `key` (the upstream's tool call index); the first one opens it. */
  call(
    key: number,
    piece: { name?: string; callId?: string; id?: string; arguments: string },
  ): ResponseEvent[] {
    const events: ResponseEvent[] = [];
    let call = this.calls.get(key);
    if (!call) {
      const item: FunctionCallItem = {
        type: 'function_call',
        id: piece.id ?? responsesId('fc'),
        call_id: piece.callId ?? responsesId('fc').replace('fc_', 'call_'),
        name: piece.name ?? '',
        arguments: '',
        status: 'in_progress',
      };
      call = { item, index: this.output.length };
      this.calls.set(key, call);
      this.output.push(item);
      events.push(this.event('response.output_item.added', { output_index: call.index, item: { ...item } }));
    } else if (piece.name) call.item.name = piece.name;
    this.deltas.push([call.index, piece.arguments.length]);
    if (piece.arguments) {
      call.item.arguments += piece.arguments;
      events.push(
        this.event('response.function_call_arguments.delta', {
          item_id: call.item.id,
          output_index: call.index,
          delta: piece.arguments,
        }),
      );
    }
    return events;
  }

  /**
   * The items' done events; `close` then gives response.completed or response.incomplete with
   * the final response (the live answer stores it first).
   */
  finish(status: 'completed' | 'incomplete'): {
    events: ResponseEvent[];
    close: (response: Record<string, unknown>) => ResponseEvent;
  } {
    const events: ResponseEvent[] = [];
    if (this.message) {
      const { item, index } = this.message;
      const part = item.content[0] as OutputText;
      events.push(
        this.event('response.output_text.done', {
          item_id: item.id,
          output_index: index,
          content_index: 0,
          text: part.text,
          logprobs: [],
        }),
        this.event('response.content_part.done', {
          item_id: item.id,
          output_index: index,
          content_index: 0,
          part,
        }),
      );
      item.status = status;
      events.push(this.event('response.output_item.done', { output_index: index, item }));
    }
    for (const { item, index } of this.calls.values()) {
      events.push(
        this.event('response.function_call_arguments.done', {
          item_id: item.id,
          output_index: index,
          name: item.name,
          arguments: item.arguments,
        }),
      );
      item.status = 'completed';
      events.push(this.event('response.output_item.done', { output_index: index, item }));
    }
    const type = status === 'completed' ? 'response.completed' : 'response.incomplete';
    return { events, close: (response) => this.event(type, { response }) };
  }

  /** The stream's end after a failure: an error event, then the failed response (OpenAI's order). */
  fail(code: string, message: string): ResponseEvent[] {
    return [
      this.event('error', { code, message, param: null }),
      this.event('response.failed', {
        response: { ...this.snapshot(), status: 'failed', error: { code, message } },
      }),
    ];
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** One delta per item, in output order: how a response answered whole is replayed. */
function wholeDeltas(output: unknown[]): StreamDelta[] {
  const deltas: StreamDelta[] = [];
  output.forEach((item, index) => {
    if (!isObject(item)) return;
    if (item.type === 'message') deltas.push([index, messageText(item).length]);
    else if (item.type === 'function_call')
      deltas.push([index, typeof item.arguments === 'string' ? item.arguments.length : 0]);
  });
  return deltas;
}

const messageText = (item: Record<string, unknown>): string => {
  const part = Array.isArray(item.content) ? item.content[0] : undefined;
  return isObject(part) && typeof part.text === 'string' ? part.text : '';
};

/**
 * The events of a stored, finished response, as its stream sent them (`deltas` from the stored
 * response; null when it was answered whole: one delta per item).
 */
export function* replayEvents(
  kept: Record<string, unknown>,
  deltas: readonly StreamDelta[] | null | undefined,
): Generator<ResponseEvent> {
  const response = inResponseOrder(kept);
  const stored = Array.isArray(response.output) ? (response.output as unknown[]) : [];
  const output: OutputItem[] = [];
  const writer = new ResponseEventWriter(output, () => ({
    ...response,
    status: 'in_progress',
    incomplete_details: null,
    output: structuredClone(output),
    usage: null,
  }));
  yield* writer.start();
  const consumed = new Map<number, number>();
  let opened = 0;
  const piece = function* (index: number, length: number): Generator<ResponseEvent> {
    const item = stored[index];
    if (!isObject(item)) return;
    const from = consumed.get(index) ?? 0;
    consumed.set(index, from + length);
    if (item.type === 'message') {
      yield* writer.text(messageText(item).slice(from, from + length), String(item.id));
    } else if (item.type === 'function_call') {
      const args = typeof item.arguments === 'string' ? item.arguments : '';
      yield* writer.call(index, {
        id: String(item.id),
        callId: String(item.call_id),
        name: String(item.name),
        arguments: args.slice(from, from + length),
      });
    }
  };
  for (const [index, length] of deltas ?? wholeDeltas(stored)) {
    // Items were opened in output order: one opened without a delta of its own comes first.
    while (opened < index) yield* piece(opened++, 0);
    if (opened === index) opened++;
    yield* piece(index, length);
  }
  while (opened < stored.length) yield* piece(opened++, 0);
  const status = response.status === 'incomplete' ? 'incomplete' : 'completed';
  const { events, close } = writer.finish(status);
  yield* events;
  // The output as the writer rebuilt it: the stored items' fields in the order the stream sent them.
  yield close({ ...response, output: output.length === stored.length ? output : stored });
}
