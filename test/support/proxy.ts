// A path-routing reverse proxy for tests: one address in front of services that each run in
// their own process, routed by the first path segment (/calos, /hollowtown, /recipes, /family,
// /ai), streaming both ways (server-sent events pass through as they are written).

import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';

export interface PathProxy {
  url: string;
  /** Points a prefix at another upstream (a restarted service on a new port). */
  route(prefix: string, upstream: string): void;
  close(): Promise<void>;
}

/** What a benchmark watches pass through: each request as it arrives, each new client connection. */
export interface ProxyObserver {
  request?(req: IncomingMessage, prefix: string): void;
  connection?(): void;
  /** The socket a request goes upstream on (a kept-alive one again, or a new one). */
  upstream?(socket: Socket): void;
}

export async function startPathProxy(
  routes: Record<string, string>,
  observer: ProxyObserver = {},
): Promise<PathProxy> {
  const table = new Map(Object.entries(routes));
  const server: Server = createServer((req, res) => {
    const prefix = `/${(req.url ?? '/').split('/')[1]?.split('?')[0] ?? ''}`;
    observer.request?.(req, prefix);
    const upstream = table.get(prefix);
    if (!upstream) {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'NO_UPSTREAM', message: `nothing serves ${prefix}` } }));
      return;
    }
    const target = new URL(req.url ?? '/', upstream);
    const forward = httpRequest(
      target,
      { method: req.method, headers: { ...req.headers, host: target.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    if (observer.upstream) forward.on('socket', observer.upstream);
    forward.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'UPSTREAM_DOWN', message: error.message } }));
    });
    req.pipe(forward);
    res.on('close', () => forward.destroy());
  });
  if (observer.connection) server.on('connection', observer.connection);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    route: (prefix, upstream) => table.set(prefix, upstream),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
