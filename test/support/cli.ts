// The calos command in the test's own process: the same code as `bin/calos.mjs` (argument
// parsing, configuration from the given environment, output, exit code) without starting a new
// Node.js and loading every module again for each command. `test/start.test.ts` and one test of
// `src/cli/migrate.test.ts` keep running the real binary.
import { runCalos } from '../../src/cli/main.ts';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function calosInProcess(args: string[], env: NodeJS.ProcessEnv): Promise<CommandResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCalos(args, env, {
    out: { write: (text: string) => (stdout += text) },
    err: { isTTY: false, write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}
