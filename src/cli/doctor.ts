// calos doctor: is every database reachable and migrated, who holds the data dir, and do the
// references between databases point at something (see doctor/orphans.ts for the policy that
// --fix applies)? Exits non-zero when something needs the operator.
import type { FamilyClient } from '../family/client.ts';
import type { HollowtownClient } from '../hollowtown/client.ts';
import type { IdentityClient } from '../identity/client.ts';
import type { Config, DatabaseTarget } from '../platform/config.ts';
import { DATABASE_NAMES } from '../platform/databases.ts';
import { isProcessAlive, type LockHolder, readLockHolder } from '../platform/db/data-dir-lock.ts';
import type { Database } from '../platform/db/database.ts';
import { DBPoolManager } from '../platform/db/pool-manager.ts';
import type { ClientRegistry } from '../platform/http/service.ts';
import { createLogger } from '../platform/logger.ts';
import { migrationStatus } from '../platform/migrations/migrator.ts';
import type { RecipesClient } from '../recipes/client.ts';
import { findOrphans, type IntegritySources } from './doctor/orphans.ts';
import { pad, print } from './output.ts';

export interface DoctorFinding {
  check: string;
  ok: boolean;
  detail: string;
  /** What --fix changed for this check. */
  changes?: string[];
  /** A reference across databases that --fix resolves. */
  fixable?: boolean;
}

export interface DoctorOptions {
  migrationsDir?: string;
  /** Apply the documented policy to references that point at nothing, then check again. */
  fix?: boolean;
}

export async function diagnose(config: Config, options: DoctorOptions = {}): Promise<DoctorFinding[]> {
  const { migrationsDir } = options;
  const findings: DoctorFinding[] = [];
  const embedded = DATABASE_NAMES.filter((name) => config.databases[name].engine === 'pglite');
  if (embedded.length > 0) {
    const holder = readLockHolder(config.dataDir);
    if (!holder) {
      findings.push({ check: 'data dir lock', ok: true, detail: `${config.dataDir}: free` });
    } else if (isProcessAlive(holder.pid)) {
      findings.push({
        check: 'data dir lock',
        ok: true,
        detail: `${config.dataDir}: held by running pid ${holder.pid} since ${holder.since}; checked through it`,
      });
      // The embedded databases can be opened by one process only: the server checks them.
      findings.push(...(await askRunningServer(holder, options)));
      return findings;
    } else {
      findings.push({
        check: 'data dir lock',
        ok: true,
        detail: `${config.dataDir}: stale lock of dead pid ${holder.pid}; the next start takes it over`,
      });
    }
  }
  const names = DATABASE_NAMES;
  // Every database at once (the checks across databases need them all); one by one only when
  // that fails, to tell which one is unreachable.
  const all = await DBPoolManager.open({
    databases: config.databases,
    dataDir: config.dataDir,
    names,
    poolSize: 2,
  }).catch(() => undefined);
  try {
    for (const name of DATABASE_NAMES) {
      const target = config.databases[name];
      const where = describeTarget(target);
      let alone: DBPoolManager | undefined;
      try {
        alone = all
          ? undefined
          : await DBPoolManager.open({
              databases: config.databases,
              dataDir: config.dataDir,
              names: [name],
              poolSize: 1,
            });
        const pools = (all ?? alone) as DBPoolManager;
        findings.push(await migrationFinding(pools.get(name), name, where, migrationsDir));
      } catch (error) {
        findings.push({ check: name, ok: false, detail: `${where}: ${(error as Error).message}` });
      } finally {
        await alone?.closeAll();
      }
    }
    if (!all || findings.some((f) => !f.ok)) {
      findings.push({
        check: 'orphans',
        ok: true,
        detail: 'skipped until every database is reachable and migrated',
      });
    } else {
      findings.push(...(await checkOrphans(config, all, options.fix ?? false)));
    }
  } finally {
    await all?.closeAll();
  }
  return findings;
}

/** Builds the services' clients in this process (no HTTP) and asks each about its references. */
async function checkOrphans(
  config: Config,
  databases: DBPoolManager,
  fix: boolean,
): Promise<DoctorFinding[]> {
  // Loaded here: every other command starts without importing every service.
  const { createServiceClients } = await import('../main.ts');
  const clients = await createServiceClients({
    config,
    logger: createLogger({ logLevel: 'silent' }),
    databases,
    services: ['identity', 'hollowtown', 'recipes', 'family'],
  });
  return referenceFindings(clients, fix);
}

/** What a process's own clients say about references across databases (and --fix). */
export async function referenceFindings(clients: ClientRegistry, fix: boolean): Promise<DoctorFinding[]> {
  try {
    const sources: IntegritySources = {
      identity: clients.get<IdentityClient>('identity'),
      hollowtown: clients.get<HollowtownClient>('hollowtown').integrity,
      recipes: clients.get<RecipesClient>('recipes').integrity,
      family: clients.get<FamilyClient>('family').integrity,
    };
    const checks = await findOrphans(sources);
    if (!fix || checks.every((c) => c.count === 0)) {
      return checks.map((c) => ({
        check: c.check,
        ok: c.count === 0,
        detail: c.detail,
        fixable: c.count > 0,
      }));
    }
    const changes = new Map<string, string[]>();
    for (const check of checks) if (check.count > 0) changes.set(check.check, await check.fix());
    // What is left after the fix is what counts.
    return (await findOrphans(sources)).map((c) => ({
      check: c.check,
      ok: c.count === 0,
      detail: c.detail,
      ...(changes.get(c.check)?.length ? { changes: changes.get(c.check) } : {}),
    }));
  } catch (error) {
    return [
      {
        check: 'orphans',
        ok: false,
        detail: `could not check references across databases: ${(error as Error).message}`,
      },
    ];
  }
}

export async function runDoctor(config: Config, options: DoctorOptions = {}): Promise<number> {
  const findings = await diagnose(config, options);
  for (const finding of findings) {
    print(`${finding.ok ? 'ok  ' : 'FAIL'} ${pad(finding.check, 16)} ${finding.detail}`);
    for (const change of finding.changes ?? []) print(`     fixed: ${change}`);
  }
  const failed = findings.filter((f) => !f.ok).length;
  if (!options.fix && findings.some((f) => f.fixable))
    print('References that point at nothing: `calos doctor --fix` applies the documented policy.');
  print(failed === 0 ? 'All checks passed.' : `${failed} check${failed > 1 ? 's' : ''} failed.`);
  return failed === 0 ? 0 : 1;
}

export const describeTarget = (target: DatabaseTarget) =>
  target.engine === 'pglite' ? `embedded ${target.dir}` : `postgres ${target.database}`;

/** Whether a database is migrated to the files in migrations/, and the fix when not. */
export async function migrationFinding(
  database: Database,
  name: string,
  where: string,
  migrationsDir?: string,
): Promise<DoctorFinding> {
  const statuses = await migrationStatus(database, { migrationsDir });
  const count = (state: string) => statuses.filter((s) => s.state === state).length;
  const problems = [
    count('pending') && `${count('pending')} pending`,
    count('changed') && `${count('changed')} edited after being applied`,
    count('missing') && `${count('missing')} applied but missing from migrations/`,
  ].filter(Boolean);
  return {
    check: name,
    ok: problems.length === 0,
    detail:
      problems.length === 0
        ? `${where}: reachable, ${count('applied')} migrations applied, current`
        : `${where}: reachable, ${problems.join(', ')} (run: calos migrate ${name})`,
  };
}

/** The header that carries the running server's doctor secret (see LockHolder.server). */
export const DOCTOR_TOKEN_HEADER = 'x-calos-doctor-token';
export const DOCTOR_PATH = '/_calos/doctor';

/** Asks the server that holds the embedded databases to run the checks on them. */
async function askRunningServer(holder: LockHolder, options: DoctorOptions): Promise<DoctorFinding[]> {
  const server = holder.server;
  if (!server) {
    return [
      {
        check: 'running server',
        ok: false,
        detail: `pid ${holder.pid} holds the embedded databases but has not said where it answers (still starting?); nothing was checked. Try again in a moment, or stop it and run calos doctor again.`,
      },
    ];
  }
  try {
    const response = await fetch(`${server.url}${DOCTOR_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [DOCTOR_TOKEN_HEADER]: server.doctorToken },
      body: JSON.stringify({ fix: options.fix ?? false }),
      signal: AbortSignal.timeout(120_000),
    });
    if (!response.ok) throw new Error(`it answered ${response.status} ${await response.text()}`);
    return ((await response.json()) as { findings: DoctorFinding[] }).findings;
  } catch (error) {
    return [
      {
        check: 'running server',
        ok: false,
        detail: `pid ${holder.pid} holds the embedded databases but could not be asked at ${server.url}: ${(error as Error).message}. Nothing was checked.`,
      },
    ];
  }
}
