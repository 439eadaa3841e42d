// Graceful stop: refuse new connections, end event streams, let in-flight requests finish
// (their writes land) for up to `drainMs`, cut what is still open after that (a model still
// writing a long answer), then close the database pools they were writing to.
import type { DBPoolManager } from '../db/pool-manager.ts';
import type { App } from './service.ts';

export const DRAIN_MS = 1_000;

export async function stopGracefully(app: App, databases: DBPoolManager, drainMs = DRAIN_MS): Promise<void> {
  const deadline = setTimeout(() => app.server.closeAllConnections(), drainMs);
  try {
    await app.close();
  } finally {
    clearTimeout(deadline);
  }
  await databases.closeAll();
}
