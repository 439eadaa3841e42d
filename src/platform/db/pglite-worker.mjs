// The embedded engine's worker thread: one PGlite (Postgres in WASM) runs here, so its work never
// stalls the server's event loop. The main thread sends one message per call (pglite-thread.ts);
// this file is plain JavaScript because a worker starts without the TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

// The same parsers as sharedParsers in database.ts (functions cannot cross threads).
const parsers = {
  20: (value) => Number(value),
  1700: (value) => Number(value),
  1082: (value) => value,
};

/** What of an error crosses to the main thread: its message, name and Postgres fields. */
function errorFields(error) {
  if (!(error instanceof Error)) return { message: String(error), name: 'Error' };
  const fields = { message: error.message, name: error.name };
  for (const [key, value] of Object.entries(error)) {
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) fields[key] = value;
  }
  return fields;
}

const { dir, startParams } = workerData;
const unlistens = new Map();
let pg;
try {
  pg = await PGlite.create(dir, { parsers, startParams });
  parentPort.postMessage({ type: 'ready' });
} catch (error) {
  parentPort.postMessage({ type: 'failed', error: errorFields(error) });
}

const operations = {
  async query({ sql, params }) {
    const result = await pg.query(sql, params);
    return { rows: result.rows, affectedRows: result.affectedRows };
  },
  async exec({ sql }) {
    await pg.exec(sql);
  },
  async listen({ channel, listenerId }) {
    const unlisten = await pg.listen(channel, (payload) =>
      parentPort.postMessage({ type: 'notification', listenerId, payload }),
    );
    unlistens.set(listenerId, unlisten);
  },
  async unlisten({ listenerId }) {
    const unlisten = unlistens.get(listenerId);
    unlistens.delete(listenerId);
    await unlisten?.();
  },
  async close() {
    await pg.close();
  },
};

parentPort?.on('message', async (message) => {
  try {
    const result = await operations[message.op](message);
    parentPort.postMessage({ type: 'result', id: message.id, result });
  } catch (error) {
    parentPort.postMessage({ type: 'result', id: message.id, error: errorFields(error) });
  }
});
