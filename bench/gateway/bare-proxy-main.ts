// Child process of bench:gateway: the least any Node.js gateway can do, as a floor to read the
// others against. It forwards each request, as it came, to the stand-in's OpenAI-compatible
// endpoint over kept-alive connections and pipes the answer back: no parsing, no accounts, no
// limits, no log. argv: the stand-in's URL.
import http from 'node:http';
import { serveInChild } from '../load/server-process.ts';

const [upstream = ''] = process.argv.slice(2);

serveInChild(async () => {
  const target = new URL(upstream);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const server = http.createServer((request, response) => {
    const forwarded = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: request.method,
        path: request.url,
        headers: { 'content-type': 'application/json', 'content-length': request.headers['content-length'] },
        agent,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, {
          'content-type': answer.headers['content-type'] ?? 'application/json',
        });
        answer.pipe(response);
      },
    );
    forwarded.on('error', () => response.writeHead(502).end());
    request.pipe(forwarded);
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
});
