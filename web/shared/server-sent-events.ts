// The text/event-stream format read from a fetch body: blocks end with a blank line, comment
// lines are heartbeats, and several data lines make one event's data.
export interface StreamEvent {
  id?: string;
  event: string;
  data: string;
}

/** Resolves when the body ends; every complete event is handed to onEvent first. */
export async function readEvents(
  body: NonNullable<Response['body']>,
  onEvent: (event: StreamEvent) => void,
): Promise<void> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n?/g, '\n');
    let boundary = buffer.indexOf('\n\n');
    while (boundary >= 0) {
      const event = parseBlock(buffer.slice(0, boundary));
      buffer = buffer.slice(boundary + 2);
      if (event) onEvent(event);
      boundary = buffer.indexOf('\n\n');
    }
  }
}

function parseBlock(block: string): StreamEvent | undefined {
  const event: StreamEvent = { event: 'message', data: '' };
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') event.id = text;
    else if (field === 'event') event.event = text;
    else if (field === 'data') data.push(text);
  }
  if (data.length === 0) return undefined;
  event.data = data.join('\n');
  return event;
}
