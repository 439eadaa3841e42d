// Runs one stand-in from the command line for trying things by hand, e.g.
//   node --import tsx test/stand-ins/main.ts ollama --port 11434 --models llama3.2,mistral:7b
//   node --import tsx test/stand-ins/main.ts openai --port 8081 --keys sk-test
//   node --import tsx test/stand-ins/main.ts deepseek --keys sk-test
//   node --import tsx test/stand-ins/main.ts anthropic --keys sk-ant-test
// It prints its URL and stops on SIGINT or SIGTERM.
import { parseArgs } from 'node:util';
import { startAnthropicStandIn } from './anthropic.ts';
import { startOllamaStandIn } from './ollama.ts';
import { startOpenAIStandIn } from './openai.ts';
import type { CommonOptions } from './server.ts';

const USAGE = `usage: main.ts <ollama|openai|deepseek|anthropic> [options]
  --port N             port to listen on (default: any free port)
  --models a,b         models served
  --loaded a,b         (ollama) models already in memory
  --version V          (ollama) version reported
  --keys k1,k2         (openai, deepseek, anthropic) accepted API keys (default: sk-test)
  --latency-ms N       delay before the first byte of an answer
  --chunk-delay-ms N   delay between stream chunks
  --tokens N           words in a default reply
  --fail-status N      answer every request with this status
  --fail-after-chunks N  cut every stream after N chunks`;

const list = (value: string | undefined) =>
  value
    ?.split(',')
    .map((item) => item.trim())
    .filter(Boolean);

function numberOption(
  values: Record<string, string | boolean | undefined>,
  name: string,
): number | undefined {
  const raw = values[name];
  if (typeof raw !== 'string') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`--${name} must be a whole number, got "${raw}"`);
  return value;
}

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      models: { type: 'string' },
      loaded: { type: 'string' },
      version: { type: 'string' },
      keys: { type: 'string' },
      'latency-ms': { type: 'string' },
      'chunk-delay-ms': { type: 'string' },
      tokens: { type: 'string' },
      'fail-status': { type: 'string' },
      'fail-after-chunks': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  const kind = positionals[0];
  if (values.help || !kind) {
    console.log(USAGE);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const failStatus = numberOption(values, 'fail-status');
  const common: Partial<CommonOptions> = {
    port: numberOption(values, 'port'),
    models: list(values.models),
    latencyMs: numberOption(values, 'latency-ms'),
    chunkDelayMs: numberOption(values, 'chunk-delay-ms'),
    tokensPerReply: numberOption(values, 'tokens'),
    failWith: failStatus === undefined ? undefined : { status: failStatus },
    failAfterChunks: numberOption(values, 'fail-after-chunks'),
  };
  // Leave out what was not given, so each stand-in's defaults apply.
  const given = Object.fromEntries(Object.entries(common).filter(([, v]) => v !== undefined));
  const apiKeys = list(values.keys) ?? ['sk-test'];

  const standIn =
    kind === 'ollama'
      ? await startOllamaStandIn({ ...given, loaded: list(values.loaded), version: values.version })
      : kind === 'openai'
        ? await startOpenAIStandIn({ ...given, apiKeys })
        : kind === 'deepseek'
          ? await startOpenAIStandIn({
              models: ['deepseek-chat', 'deepseek-reasoner'],
              ...given,
              apiKeys,
              dialect: 'deepseek',
            })
          : kind === 'anthropic'
            ? await startAnthropicStandIn({ ...given, apiKeys })
            : undefined;
  if (!standIn) throw new Error(`unknown stand-in "${kind}"\n${USAGE}`);

  console.log(`${kind} stand-in listening on ${standIn.url}`);
  if (kind !== 'ollama') console.log(`accepted keys: ${apiKeys.join(', ')}`);
  const stop = () => {
    standIn.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
