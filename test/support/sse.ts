// Reads a server-sent-event stream over fetch, for tests: events arrive in a queue that the
// test awaits with a deadline.
export interface ReceivedEvent {
  id: string | undefined;
  event: string | undefined;
  data: unknown;
}

export interface SseReader {
  status: number;
  /** The parsed JSON body of an answer that was not a stream (status other than 200). */
  errorBody?: unknown;
  events: ReceivedEvent[];
  /** Waits until an event matching `predicate` has arrived (or throws after `timeoutMs`). */
  waitFor(predicate: (event: ReceivedEvent) => boolean, timeoutMs?: number): Promise<ReceivedEvent>;
  /** Resolves when the server has ended the stream (or it was closed). */
  ended: Promise<void>;
  close(): void;
}

export async function openEventStream(
  url: string,
  headers: Record<string, string>,
  init: { method?: 'GET' | 'POST'; body?: unknown } = {},
): Promise<SseReader> {
  const controller = new AbortController();
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      accept: 'text/event-stream',
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    signal: controller.signal,
  });
  const events: ReceivedEvent[] = [];
  let markEnded: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => {
    markEnded = resolve;
  });
  const reader: SseReader = {
    ended,
    status: response.status,
    events,
    async waitFor(predicate, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.find(predicate);
        if (found) return found;
        if (Date.now() > deadline)
          throw new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(events)}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    close: () => controller.abort(),
  };
  if (response.status !== 200 || !response.body) {
    reader.errorBody = await response.json().catch(() => undefined);
    markEnded();
    return reader;
  }
  (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event: ReceivedEvent = { id: undefined, event: undefined, data: undefined };
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('id: ')) event.id = line.slice(4);
            else if (line.startsWith('event: ')) event.event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length > 0) {
            event.data = JSON.parse(data.join('\n'));
            events.push(event);
          }
          end = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // Aborted by close().
    }
    markEnded();
  })();
  return reader;
}
