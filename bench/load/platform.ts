// Starts CALOS in a child process for a load benchmark: the given services on fresh databases,
// a free port on loopback, warnings-only logging and a throw-away master key.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { ServiceName } from '../../src/platform/config.ts';
import { type ServerProcess, spawnServer } from './server-process.ts';

export interface PlatformOptions {
  services: readonly ServiceName[];
  /** Where the databases are (see postgres.ts) plus any other settings. */
  env: Record<string, string>;
  dataDir: string;
}

const ENTRY = fileURLToPath(new URL('./platform-main.ts', import.meta.url));

export function spawnPlatform(options: PlatformOptions): Promise<ServerProcess> {
  return spawnServer({
    entry: ENTRY,
    name: `CALOS (${options.services.join(', ')})`,
    args: [...options.services],
    env: {
      NODE_ENV: 'development',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      CALOS_DATA_DIR: options.dataDir,
      CALOS_MASTER_KEY: randomBytes(32).toString('hex'),
      // Empty rather than unset, so that a .env file cannot point the run elsewhere.
      CALOS_POSTGRES_URL: '',
      REDIS_URL: '',
      ...options.env,
    },
  });
}
