// The command-line runner: starts a stand-in, prints its URL, and stops cleanly on SIGINT.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';

describe('test/stand-ins/main.ts', () => {
  it('runs an Ollama stand-in until SIGINT', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'test/stand-ins/main.ts',
        'ollama',
        '--models',
        'llama3.2,mistral:7b',
        '--tokens',
        '2',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'], timeout: 30_000 },
    );
    try {
      const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
      const url = /listening on (http:\/\/\S+)/.exec(line)?.[1];
      expect(url).toBeDefined();

      const tags = (await (await fetch(`${url}/api/tags`)).json()) as { models: Array<{ name: string }> };
      expect(tags.models.map((m) => m.name)).toEqual(['llama3.2:latest', 'mistral:7b']);

      const exited = once(child, 'exit');
      child.kill('SIGINT');
      expect((await exited)[0]).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
