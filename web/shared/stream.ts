// Server-sent events over fetch, so the access token goes in a header (EventSource cannot send
// one). Reconnects after a drop with the last event id, so no change is missed. The server ends a
// stream with an `end` event saying why: an expired token or a stopping server means "come back"
// (with a fresh token), lost access or an ended session means "stop" — as do 401, 403 and 404.
import { readEvents, type StreamEvent } from './server-sent-events.ts';

export type StreamState = 'live' | 'reconnecting' | 'ended';

const RETRY_MS = 2000;
/** End reasons after which asking again cannot help. */
const FINAL_REASONS = new Set(['access_ended', 'session_ended']);

export function followStream(
  url: string,
  token: () => Promise<string | null>,
  onEvent: (event: StreamEvent) => void,
  onState?: (state: StreamState) => void,
  /** The id of the last event already seen (e.g. the version of a list just read): start after it. */
  from?: string,
): () => void {
  const controller = new AbortController();
  let lastId: string | undefined = from;

  const run = async () => {
    while (!controller.signal.aborted) {
      let endReason: string | undefined;
      try {
        const access = await token();
        const response = await fetch(lastId ? `${url}?last_event_id=${encodeURIComponent(lastId)}` : url, {
          headers: { accept: 'text/event-stream', ...(access ? { authorization: `Bearer ${access}` } : {}) },
          signal: controller.signal,
        });
        if (response.status === 403 || response.status === 404) {
          onState?.('ended');
          return;
        }
        if (response.status === 401) {
          const code = ((await response.json().catch(() => ({}))) as { error?: { code?: string } }).error
            ?.code;
          if (code !== 'TOKEN_EXPIRED') {
            onState?.('ended');
            return;
          }
        }
        if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
        onState?.('live');
        await readEvents(response.body, (event) => {
          if (event.event === 'end') {
            endReason = (JSON.parse(event.data) as { reason?: string }).reason;
            return;
          }
          if (event.id) lastId = event.id;
          onEvent(event);
        });
      } catch {
        if (controller.signal.aborted) return;
      }
      if (endReason && FINAL_REASONS.has(endReason)) {
        onState?.('ended');
        return;
      }
      // An expired token: straight back with a fresh one. Anything else: after a pause.
      if (endReason === 'token_expired') continue;
      onState?.('reconnecting');
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  };
  void run();
  return () => controller.abort();
}
