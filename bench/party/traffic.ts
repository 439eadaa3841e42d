// What passes through the proxy while a party step (or an idle stretch) runs: the people's
// requests, the services' calls to each other (by RPC method), new connections on each side.
// In the five-process layout every call between services goes through the proxy, so this is
// the whole of the traffic between them.
import type { Socket } from 'node:net';
import type { ProxyObserver } from '../../test/support/proxy.ts';

export interface Traffic {
  /** Requests from the people (the benchmark's own client). */
  people: number;
  /** Calls between services, by "prefix method" (e.g. "/calos outbox.pull"). */
  calls: Map<string, number>;
  /** New connections to the proxy, from the benchmark or from a service. */
  connectionsIn: number;
  /** New connections from the proxy to a service. */
  connectionsOut: number;
}

const emptyTraffic = (): Traffic => ({ people: 0, calls: new Map(), connectionsIn: 0, connectionsOut: 0 });

export function trafficCounter() {
  let current = emptyTraffic();
  const seen = new WeakSet<Socket>();
  const count = (key: string) => current.calls.set(key, (current.calls.get(key) ?? 0) + 1);
  const observer: ProxyObserver = {
    request(req, prefix) {
      const counted = current;
      const path = (req.url ?? '').split('?')[0] ?? '';
      if (req.headers.authorization?.startsWith('Bearer ') && !req.headers['x-calos-service-token']) {
        counted.people++;
        return;
      }
      if (!path.endsWith('/internal/rpc')) {
        count(`${prefix} ${req.method} ${path.slice(prefix.length)}`);
        return;
      }
      // The RPC method is in the body: read along while the proxy streams it on.
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        let method = '?';
        try {
          method = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { method: string }).method;
        } catch {}
        counted.calls.set(`${prefix} ${method}`, (counted.calls.get(`${prefix} ${method}`) ?? 0) + 1);
      });
    },
    connection() {
      current.connectionsIn++;
    },
    upstream(socket) {
      if (seen.has(socket)) return;
      seen.add(socket);
      current.connectionsOut++;
    },
  };
  return {
    observer,
    /** Starts a new count; returns the one that ended. */
    take(): Traffic {
      const ended = current;
      current = emptyTraffic();
      return ended;
    },
  };
}

export function sumTraffic(all: readonly Traffic[]): Traffic {
  const total = emptyTraffic();
  for (const t of all) {
    total.people += t.people;
    total.connectionsIn += t.connectionsIn;
    total.connectionsOut += t.connectionsOut;
    for (const [k, v] of t.calls) total.calls.set(k, (total.calls.get(k) ?? 0) + v);
  }
  return total;
}
