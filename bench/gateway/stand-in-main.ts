// Child process of bench:gateway: one Ollama stand-in with no model latency and short replies
// (argv[2] words, streamed one word per NDJSON line), the upstream the gateway is compared with.
import { startOllamaStandIn } from '../../test/stand-ins/ollama.ts';
import { serveInChild } from '../load/server-process.ts';

const words = Number(process.argv[2] ?? '8');

serveInChild(async () => {
  const standIn = await startOllamaStandIn({
    models: ['llama3.2:latest'],
    latencyMs: 0,
    chunkDelayMs: 0,
    tokensPerReply: words,
  });
  return { url: standIn.url, stop: () => standIn.close() };
});
