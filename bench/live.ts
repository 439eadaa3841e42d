// npm run bench:live [-- --members N --checks N]
// How long a check-off on a family shopping list takes to reach every member who has the list
// open: N members (default 100) follow GET /family/api/shopping-lists/:id/stream, one member
// checks items off one at a time, and each arrival is timed from the moment the PATCH was sent.
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { registerUsers } from './load/accounts.ts';
import { Cleanup } from './load/cleanup.ts';
import { formatMs, percentilesOf } from './load/percentiles.ts';
import { spawnPlatform } from './load/platform.ts';
import { createPostgresDatabases, postgresUnreachable } from './load/postgres.ts';
import { loadAverage, runFacts } from './load/run-facts.ts';
import { parseCounts } from './support/args.ts';
import { machineFacts } from './support/machine.ts';
import { runMain } from './support/run.ts';
import { formatTable } from './support/stats.ts';
import { withTempDir } from './support/temp-dir.ts';

const print = (line = '') => process.stdout.write(`${line}\n`);

interface Follower {
  arrivals: Map<number, number>;
  ready: Promise<void>;
  close(): void;
}

/** Follows a list's stream, noting when each event id arrives (performance.now()). */
function follow(url: string, token: string): Follower {
  const controller = new AbortController();
  const arrivals = new Map<number, number>();
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  (async () => {
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
    if (response.status !== 200 || !response.body) throw new Error(`stream answered ${response.status}`);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      const now = performance.now();
      buffer += decoder.decode(chunk, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const id = /^id: (\d+)$/m.exec(block)?.[1];
        if (block.includes('event: snapshot')) markReady();
        else if (id) arrivals.set(Number(id), now);
        end = buffer.indexOf('\n\n');
      }
    }
  })().catch((error: Error) => {
    if (error.name !== 'AbortError') process.stderr.write(`stream failed: ${error.message}\n`);
  });
  return { arrivals, ready, close: () => controller.abort() };
}

async function api(base: string, token: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      'idempotency-key': randomUUID(),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

runMain(async () => {
  const { members, checks } = parseCounts(process.argv.slice(2), { members: 100, checks: 20 });
  if (await postgresUnreachable()) throw new Error('bench:live needs PostgreSQL (TEST_POSTGRES_URL)');
  await withTempDir('calos-bench-live-', async (dataDir) => {
    const cleanup = new Cleanup();
    cleanup.add('data dir', () => rmSync(dataDir, { recursive: true, force: true }));
    try {
      const databases = await createPostgresDatabases(['identity', 'family']);
      cleanup.add('databases', () => databases.drop());
      const platform = await spawnPlatform({ services: ['identity', 'family'], env: databases.env, dataDir });
      cleanup.add('platform', () => platform.stop());
      const base = platform.url;

      const [owner] = await registerUsers(base, 1, { plan: 'family' });
      if (!owner) throw new Error('no owner');
      const people = await registerUsers(base, members - 1, { concurrency: 4 });
      const family = await api(base, owner.accessToken, 'POST', '/family/api/families', {
        family_name: 'Bench family',
      });
      // One invitation link that everyone uses (a family link allows up to 100 uses).
      for (let i = 0; i < people.length; i += 100) {
        const link = await api(
          base,
          owner.accessToken,
          'POST',
          `/family/api/families/${family.family_id}/invitations`,
          {
            kind: 'link',
            role: 'child',
            max_uses: Math.min(100, people.length - i),
          },
        );
        for (const person of people.slice(i, i + 100)) {
          await api(base, person.accessToken, 'POST', '/family/api/invitations/join', { code: link.code });
        }
      }
      const list = await api(base, owner.accessToken, 'POST', '/family/api/shopping-lists', {
        family_id: family.family_id,
        list_name: 'Party',
      });
      const items: { item_id: string }[] = [];
      for (let i = 0; i < checks; i++) {
        items.push(
          await api(base, owner.accessToken, 'POST', `/family/api/shopping-lists/${list.list_id}/items`, {
            name: `item ${i}`,
          }),
        );
      }
      const streamUrl = `${base}/family/api/shopping-lists/${list.list_id}/stream`;
      const followers = [owner, ...people].map((user) => follow(streamUrl, user.accessToken));
      cleanup.add('streams', () => {
        for (const follower of followers) follower.close();
      });
      await Promise.all(followers.map((f) => f.ready));

      const latencies: number[] = [];
      const lastArrival: number[] = [];
      for (const item of items) {
        const sentAt = performance.now();
        const updated = await api(
          base,
          people[0]?.accessToken ?? owner.accessToken,
          'PATCH',
          `/family/api/shopping-lists/${list.list_id}/items/${item.item_id}`,
          {
            checked: true,
          },
        );
        const seq = updated.version as number;
        const deadline = Date.now() + 10_000;
        while (followers.some((f) => !f.arrivals.has(seq)) && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
        const arrivals = followers.map((f) => f.arrivals.get(seq));
        if (arrivals.some((a) => a === undefined))
          throw new Error(`change ${seq} did not reach every member within 10 s`);
        const times = (arrivals as number[]).map((a) => a - sentAt);
        latencies.push(...times);
        lastArrival.push(Math.max(...times));
      }
      const all = percentilesOf(latencies);
      const slowest = percentilesOf(lastArrival);
      print(`# bench:live — ${new Date().toISOString()}`);
      for (const line of runFacts('bench:live')) print(line);
      print(machineFacts());
      print(
        `${members} members follow one list; ${checks} check-offs, one at a time; load average ${loadAverage()}`,
      );
      print();
      print(
        formatTable([
          ['', 'samples', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'],
          [
            'check-off → each member',
            String(latencies.length),
            formatMs(all.p50),
            formatMs(all.p90),
            formatMs(all.p99),
            formatMs(all.max),
          ],
          [
            'check-off → last member',
            String(lastArrival.length),
            formatMs(slowest.p50),
            formatMs(slowest.p90),
            formatMs(slowest.p99),
            formatMs(slowest.max),
          ],
        ]),
      );
    } finally {
      await cleanup.release();
    }
  });
});
