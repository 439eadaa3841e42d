// The calos command in the test's own process: the same code as `bin/calos.mjs` (argument
// parsing, configuration from the given environment, output, exit code) without starting a new
// Node.js and loading every module again for each command. `test/start.test.ts` and one test of
// `src/cli/migrate.test.ts` keep running the real binary.
import { runCalos } from '../../src/cli/main.ts';
import { DATABASE_NAMES } from '../../src/platform/databases.ts';
import type { IsolatedDatabases } from './databases.ts';

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

/**
 * The environment an operator's shell would give `calos` for a test's isolated databases: the
 * embedded ones in its data folder, or each PostgreSQL database by its URL.
 */
export function cliEnvFor(
  isolated: Pick<IsolatedDatabases, 'dataDir' | 'targets'>,
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  // The command opens PGlite on the thread the test's own databases use (test/support/databases.ts).
  const pglite = Object.values(isolated.targets).find((target) => target.engine === 'pglite');
  return {
    ...process.env,
    NODE_ENV: 'development',
    LOG_LEVEL: 'silent',
    CALOS_DATA_DIR: isolated.dataDir,
    CALOS_POSTGRES_URL: '',
    ...(pglite?.engine === 'pglite' && pglite.thread ? { CALOS_PGLITE_THREAD: pglite.thread } : {}),
    ...Object.fromEntries(
      DATABASE_NAMES.map((name) => {
        const target = isolated.targets[name];
        return [`${name.toUpperCase()}_DATABASE_URL`, target.engine === 'postgres' ? target.url : ''];
      }),
    ),
    ...extra,
  };
}
