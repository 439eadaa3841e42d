// Graceful stop: refuse new connections, let in-flight requests finish (their writes land),
// then close the database pools they were writing to.
import type { DBPoolManager } from '../db/pool-manager.ts';
import type { App } from './service.ts';

export async function stopGracefully(app: App, databases: DBPoolManager): Promise<void> {
  await app.close();
  await databases.closeAll();
}
