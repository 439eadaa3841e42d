// How a `calos` command opens its databases: its own connections, or, when it runs inside the
// server that holds the embedded databases (a command forwarded there, src/cli/in-server.ts),
// that server's, which closing leaves open.
import { DBPoolManager, type PoolManagerOptions } from '../platform/db/pool-manager.ts';
import { hostDatabases } from './output.ts';

export async function openCliDatabases(options: PoolManagerOptions): Promise<DBPoolManager> {
  const host = hostDatabases();
  if (host) return host.borrow(options.names);
  return DBPoolManager.open(options);
}
