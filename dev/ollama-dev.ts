// `npm run ollama:dev`: a development stand-in for Ollama on 127.0.0.1:11434 (the default of
// OLLAMA_HOSTS), so the apps' AI features can be tried without a GPU. It speaks Ollama's API
// (the gateway cannot tell the difference), streams at a model's pace, and answers recipe
// requests with sample recipes that pass the apps' checks. Not a model: see README, "Trying AI
// without a GPU".
import { parseArgs } from 'node:util';
import { startOllamaStandIn } from '../test/stand-ins/ollama.ts';
import { writeReply } from './recipe-replies.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '11434' },
    models: { type: 'string', default: 'llama3.2,llama3.1:8b,mistral:7b' },
    'word-ms': { type: 'string', default: '30' },
    help: { type: 'boolean' },
  },
});
if (values.help) {
  console.log('usage: npm run ollama:dev [-- --port 11434 --models llama3.2,mistral:7b --word-ms 30]');
  process.exit(0);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`--port must be a port number, got "${values.port}"`);
  process.exit(2);
}

const wordMs = Number(values['word-ms']);
if (!Number.isInteger(wordMs) || wordMs < 0 || wordMs > 10_000) {
  console.error(`--word-ms must be a whole number of milliseconds, got "${values['word-ms']}"`);
  process.exit(2);
}

try {
  const ollama = await startOllamaStandIn({
    port,
    models: values.models
      .split(',')
      .map((m) => m.trim())
      .filter(Boolean),
    loaded: [],
    // About what a small model on a laptop does: a moment to start, then ~30 words a second.
    latencyMs: wordMs > 0 ? 400 : 0,
    chunkDelayMs: wordMs,
    replyWith: (request) => writeReply(request),
  });
  console.log(`Development Ollama stand-in on ${ollama.url} (models: ${values.models})`);
  console.log('It writes sample recipes, not real answers. Stop it with Ctrl-C.');
  if (ollama.port !== 11434) console.log(`Start CALOS with OLLAMA_HOSTS=${ollama.url}`);
  const stop = () => {
    void ollama.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    console.error(
      `Port ${port} is taken: is a real Ollama already running there? (Then you do not need this.)`,
    );
    process.exit(1);
  }
  throw error;
}
