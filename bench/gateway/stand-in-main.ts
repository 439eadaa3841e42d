// Child process of bench:gateway: one Ollama stand-in, the upstream the gateway is compared with.
// argv: words per reply (streamed one word per NDJSON line), milliseconds before the first token,
// milliseconds between tokens, and the one model it serves (so one gateway can route to several).
import { startOllamaStandIn } from '../../test/stand-ins/ollama.ts';
import { serveInChild } from '../load/server-process.ts';

const [words = '8', latencyMs = '0', chunkDelayMs = '0', model = 'llama3.2:latest'] = process.argv.slice(2);

serveInChild(async () => {
  const standIn = await startOllamaStandIn({
    models: [model],
    latencyMs: Number(latencyMs),
    chunkDelayMs: Number(chunkDelayMs),
    tokensPerReply: Number(words),
  });
  return { url: standIn.url, stop: () => standIn.close() };
});
