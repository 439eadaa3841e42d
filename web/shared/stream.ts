// Server-sent events over fetch, so the access token goes in a header (EventSource cannot send
// one). Reconnects after a drop with the last event id, so no change is missed.
import { readEvents, type StreamEvent } from './server-sent-events.ts';

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
        await readEvents(response.body, (event) => {
          if (event.id) lastId = event.id;
          onEvent(event);
        });
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
