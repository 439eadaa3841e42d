// Server-sent events over fetch, so the access token goes in a header (EventSource cannot send
// one). Reconnects after a drop with the last event id, so no change is missed.
export interface StreamEvent {
  id?: string;
  event: string;
  data: string;
}

export function followStream(
  url: string,
  token: () => Promise<string | null>,
  onEvent: (event: StreamEvent) => void,
  onState?: (state: 'live' | 'reconnecting') => void,
): () => void {
  const controller = new AbortController();
  let lastId: string | undefined;

  const run = async () => {
    while (!controller.signal.aborted) {
      try {
        const access = await token();
        const response = await fetch(lastId ? `${url}?last_event_id=${encodeURIComponent(lastId)}` : url, {
          headers: { accept: 'text/event-stream', ...(access ? { authorization: `Bearer ${access}` } : {}) },
          signal: controller.signal,
        });
        if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
        onState?.('live');
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let boundary = buffer.indexOf('\n\n');
          while (boundary >= 0) {
            const block = buffer.slice(0, boundary);
            buffer = buffer.slice(boundary + 2);
            const event: StreamEvent = { event: 'message', data: '' };
            const data: string[] = [];
            for (const line of block.split('\n')) {
              if (line.startsWith(':')) continue;
              const colon = line.indexOf(':');
              const field = colon < 0 ? line : line.slice(0, colon);
              const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
              if (field === 'id') event.id = text;
              else if (field === 'event') event.event = text;
              else if (field === 'data') data.push(text);
            }
            if (data.length > 0) {
              event.data = data.join('\n');
              if (event.id) lastId = event.id;
              onEvent(event);
            }
            boundary = buffer.indexOf('\n\n');
          }
        }
      } catch {
        if (controller.signal.aborted) return;
      }
      onState?.('reconnecting');
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  };
  void run();
  return () => controller.abort();
}
