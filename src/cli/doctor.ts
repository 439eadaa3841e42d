// calos doctor: is every database reachable and migrated, and who holds the data dir?
// Exits non-zero when something needs the operator.
import type { Config } from '../platform/config.ts';
import { DATABASE_NAMES } from '../platform/databases.ts';
import { isProcessAlive, readLockHolder } from '../platform/db/data-dir-lock.ts';
import { DBPoolManager } from '../platform/db/pool-manager.ts';
import { migrationStatus } from '../platform/migrations/migrator.ts';
import { pad, print } from './output.ts';

export interface DoctorFinding {
  check: string;
  ok: boolean;
  detail: string;
}

export async function diagnose(config: Config, migrationsDir?: string): Promise<DoctorFinding[]> {
  const findings: DoctorFinding[] = [];
  const embedded = DATABASE_NAMES.filter((name) => config.databases[name].engine === 'pglite');
  let embeddedInUse = false;
  if (embedded.length > 0) {
    const holder = readLockHolder(config.dataDir);
    if (!holder) {
      findings.push({ check: 'data dir lock', ok: true, detail: `${config.dataDir}: free` });
    } else if (isProcessAlive(holder.pid)) {
      embeddedInUse = true;
      findings.push({
        check: 'data dir lock',
        ok: true,
        detail: `${config.dataDir}: held by running pid ${holder.pid} since ${holder.since}; its /readyz reports the embedded databases`,
      });
    } else {
      findings.push({
        check: 'data dir lock',
        ok: true,
        detail: `${config.dataDir}: stale lock of dead pid ${holder.pid}; the next start takes it over`,
      });
    }
  }
  for (const name of DATABASE_NAMES) {
    const target = config.databases[name];
    const where = target.engine === 'pglite' ? `embedded ${target.dir}` : `postgres ${target.database}`;
    if (target.engine === 'pglite' && embeddedInUse) {
      findings.push({ check: name, ok: true, detail: `${where}: skipped, in use by the running server` });
      continue;
    }
    let pools: DBPoolManager | undefined;
    try {
      pools = await DBPoolManager.open({
        databases: config.databases,
        dataDir: config.dataDir,
        names: [name],
        poolSize: 1,
      });
      const statuses = await migrationStatus(pools.get(name), { migrationsDir });
      const count = (state: string) => statuses.filter((s) => s.state === state).length;
      const problems = [
        count('pending') && `${count('pending')} pending`,
        count('changed') && `${count('changed')} edited after being applied`,
        count('missing') && `${count('missing')} applied but missing from migrations/`,
      ].filter(Boolean);
      findings.push({
        check: name,
        ok: problems.length === 0,
        detail:
          problems.length === 0
            ? `${where}: reachable, ${count('applied')} migrations applied, current`
            : `${where}: reachable, ${problems.join(', ')} (run: calos migrate ${name})`,
      });
    } catch (error) {
      findings.push({ check: name, ok: false, detail: `${where}: ${(error as Error).message}` });
    } finally {
      await pools?.closeAll();
    }
  }
  return findings;
}

export async function runDoctor(config: Config): Promise<number> {
  const findings = await diagnose(config);
  for (const finding of findings)
    print(`${finding.ok ? 'ok  ' : 'FAIL'} ${pad(finding.check, 14)} ${finding.detail}`);
  const failed = findings.filter((f) => !f.ok).length;
  print(failed === 0 ? 'All checks passed.' : `${failed} check${failed > 1 ? 's' : ''} failed.`);
  return failed === 0 ? 0 : 1;
}
