// Child process of bench:gateway: Portkey's open-source AI gateway (@portkey-ai/gateway), the
// peer CALOS is compared with, started as its own `npx @portkey-ai/gateway` would start it
// (Hono on @hono/node-server), headless, on a free loopback port.
import { createServer } from 'node:net';
import { serveInChild } from '../load/server-process.ts';

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

serveInChild(async () => {
  const port = await freePort();
  // The gateway reads its port and mode from argv when its module loads, then serves at once.
  process.argv.push(`--port=${port}`, '--headless');
  // It clears the console and prints a banner: nothing the benchmark needs.
  console.clear = () => undefined;
  console.log = () => undefined;
  // A specifier in a variable: the package ships no types, and none are needed here.
  const entry = '@portkey-ai/gateway/build/start-server.js';
  await import(entry);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/`)).ok) break;
    } catch {}
    if (Date.now() > deadline) throw new Error('Portkey gateway did not answer in 15 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, stop: async () => undefined };
});
