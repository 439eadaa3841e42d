// Child process of a load benchmark: serves the CALOS services named in argv through
// startPlatform (migrating their databases first), configured from the environment.
import { startPlatform } from '../../src/main.ts';
import { loadConfig, SERVICE_NAMES, type ServiceName } from '../../src/platform/config.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { serveInChild } from './server-process.ts';

const services = process.argv.slice(2);
for (const name of services) {
  if (!SERVICE_NAMES.includes(name as ServiceName)) throw new Error(`unknown service "${name}"`);
}

serveInChild(async () => {
  const config = loadConfig(process.env);
  const platform = await startPlatform({
    config,
    logger: createLogger(config),
    services: services as ServiceName[],
    migrate: true,
  });
  return { url: platform.url, stop: () => platform.stop() };
});
