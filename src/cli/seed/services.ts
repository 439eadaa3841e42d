// The services `calos seed hollowtown` needs, built in this process as src/main.ts builds them
// but without serving HTTP: identity (the account, its plan, credits), the AI gateway (with its
// Ollama pool, limits and metering) and Hollowtown (its client and the generation service).

import type { AiChatResult, AiClient } from '../../ai/client.ts';
import { aiService } from '../../ai/index.ts';
import { hollowtownLinks, hollowtownService } from '../../cross-app/index.ts';
import type { HollowtownClient } from '../../hollowtown/client.ts';
import { createHollowtownServices, type HollowtownServices } from '../../hollowtown/index.ts';
import type { IdentityClient } from '../../identity/client.ts';
import { createIdentityClient, createIdentityServices, type IdentityServices } from '../../identity/index.ts';
import { createTokenVerifier } from '../../platform/auth/guard.ts';
import { createRevocationList } from '../../platform/auth/revocations.ts';
import { systemClock } from '../../platform/clock.ts';
import type { Config } from '../../platform/config.ts';
import type { DatabaseName } from '../../platform/databases.ts';
import type { DBPoolManager } from '../../platform/db/pool-manager.ts';
import { ClientRegistry, type ServiceInstance } from '../../platform/http/service.ts';
import type { Logger } from '../../platform/logger.ts';
import { migrationStatus } from '../../platform/migrations/migrator.ts';
import { openCliDatabases } from '../databases.ts';
import { CliErrors } from '../errors.ts';

/** What every gateway answer of the run cost, discarded ones included. */
export interface AiUsageTotals {
  calls: number;
  promptTokens: number;
  completionTokens: number;
  credits: number;
  models: Set<string>;
}

export interface SeedServices {
  identity: IdentityClient;
  identityServices: IdentityServices;
  hollowtown: HollowtownClient;
  generation: HollowtownServices['generation'];
  usage: AiUsageTotals;
  close(): Promise<void>;
}

const DATABASES: readonly DatabaseName[] = ['identity', 'hollowtown'];

export async function openSeedServices(
  config: Config,
  logger: Logger,
  options: { poolSize: number; migrationsDir?: string },
): Promise<SeedServices> {
  const databases = await openCliDatabases({
    databases: config.databases,
    dataDir: config.dataDir,
    names: DATABASES,
    poolSize: options.poolSize,
  });
  const started: ServiceInstance[] = [];
  try {
    await assertMigrated(databases, options.migrationsDir);
    const clients = new ClientRegistry();
    const identityServices = createIdentityServices({ config, databases, logger });
    const identity = createIdentityClient(identityServices);
    clients.register('identity', identity);
    const verifier = createTokenVerifier({ jwks: () => identity.jwks() });
    const context = {
      config,
      databases,
      logger,
      verifier,
      clients,
      clock: systemClock,
      // A command, not a server: its tokens are its own, fresh; nothing to follow.
      revocations: createRevocationList(systemClock, 0),
    };

    const gateway = await aiService.create(context);
    started.push(gateway);
    await gateway.start?.();
    const usage: AiUsageTotals = {
      calls: 0,
      promptTokens: 0,
      completionTokens: 0,
      credits: 0,
      models: new Set(),
    };
    const ai = metered(gateway.client as AiClient, usage);
    clients.register('ai', ai);

    // Its client only (names of recipes): its background work (user.deleted) is the server's.
    const hollowtownInstance = await hollowtownService.create(context);
    const hollowtown = hollowtownInstance.client as HollowtownClient;
    // The generation service as the server builds it; its AI is the metered client above.
    const { generation } = createHollowtownServices({
      db: databases.get('hollowtown'),
      logger: logger.child({ service: 'hollowtown' }),
      clients,
      links: hollowtownLinks(clients),
      now: () => systemClock.now(),
    });
    return {
      identity,
      identityServices,
      hollowtown,
      generation,
      usage,
      async close() {
        for (const instance of started.reverse()) await instance.stop?.();
        await databases.closeAll();
      },
    };
  } catch (error) {
    for (const instance of started.reverse()) await Promise.resolve(instance.stop?.()).catch(() => undefined);
    await databases.closeAll();
    throw error;
  }
}

/** A database with pending migrations cannot take the seed: say which and how to fix it. */
async function assertMigrated(databases: DBPoolManager, migrationsDir: string | undefined): Promise<void> {
  const problems: string[] = [];
  for (const name of DATABASES) {
    const statuses = await migrationStatus(databases.get(name), { migrationsDir });
    const pending = statuses.filter((s) => s.state === 'pending').length;
    if (pending > 0)
      problems.push(
        `${name} has ${pending} pending migration${pending === 1 ? '' : 's'} (run: calos migrate ${name})`,
      );
  }
  if (problems.length > 0) {
    throw CliErrors.notMigrated(problems);
  }
}

function metered(client: AiClient, usage: AiUsageTotals): AiClient {
  const count = (result: AiChatResult) => {
    usage.calls++;
    usage.promptTokens += result.usage.promptTokens;
    usage.completionTokens += result.usage.completionTokens;
    usage.credits += result.usage.credits;
    usage.models.add(result.model);
    return result;
  };
  return {
    chat: async (request) => count(await client.chat(request)),
    generate: async (request) => count(await client.generate(request)),
  };
}
