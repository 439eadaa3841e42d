// `calos moderation list|restore|remove`: the review queue of reported items (hidden once enough
// people reported them), on the app's own database. A decision is audited there
// (moderation_decisions) and its notice to the author waits in the app's outbox until the app,
// running, hands it to identity's mail.

import { userInfo } from 'node:os';
import type { Community, ItemKind } from '../community/service.ts';
import { createHollowtownModeration } from '../hollowtown/index.ts';
import { systemClock } from '../platform/clock.ts';
import type { Config } from '../platform/config.ts';
import { createLogger } from '../platform/logger.ts';
import { createRecipesModeration } from '../recipes/index.ts';
import { openCliDatabases } from './databases.ts';
import { print, UsageError } from './output.ts';

const APPS = ['hollowtown', 'recipes'] as const;
type ModeratedApp = (typeof APPS)[number];
const KINDS: Record<ModeratedApp, readonly ItemKind[]> = {
  hollowtown: ['recipe', 'costume', 'plan'],
  recipes: ['recipe', 'comment'],
};
const USAGE =
  'use: calos moderation list --app hollowtown|recipes [--json] | calos moderation restore|remove ' +
  '--app hollowtown|recipes [--kind recipe|costume|plan|comment] --id <uuid> --reason <text>';

export interface ModerationValues {
  app?: string;
  kind?: string;
  id?: string;
  reason?: string;
  json?: boolean;
  limit?: string;
}

export async function runModeration(
  config: Config,
  action: string | undefined,
  values: ModerationValues,
): Promise<number> {
  const app = checkApp(values.app);
  const pools = await openCliDatabases({
    databases: config.databases,
    dataDir: config.dataDir,
    names: [app],
    poolSize: 2,
  });
  try {
    const logger = createLogger(config);
    const options = { db: pools.get(app), config, now: () => systemClock.now(), logger };
    const community =
      app === 'hollowtown' ? createHollowtownModeration(options) : createRecipesModeration(options);
    return await moderate(community, action, values, `cli:${userInfo().username}`);
  } finally {
    await pools.closeAll();
  }
}

/** The command on an app's moderation (also what tests run on a platform's database). */
export async function moderate(
  community: Community,
  action: string | undefined,
  values: ModerationValues,
  decidedBy: string,
): Promise<number> {
  const app = checkApp(values.app ?? community.app);
  if (action === 'list') {
    const limit = values.limit === undefined ? 100 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      throw new UsageError('--limit takes 1 to 1000');
    const { items: queue } = await community.queue(limit);
    if (values.json) {
      print(JSON.stringify(queue, null, 2));
      return 0;
    }
    if (queue.length === 0) print(`Nothing in ${app}'s moderation queue.`);
    for (const item of queue) {
      print(`${item.item_kind} ${item.item_id}  “${item.item_title}”  by ${item.author_id}`);
      print(`  hidden since ${item.updated_at.toISOString()}: ${item.reason ?? ''}`);
      for (const report of item.reports) print(`  - ${report.created_at.toISOString()}: ${report.reason}`);
    }
    return 0;
  }
  if (action !== 'restore' && action !== 'remove') throw new UsageError(USAGE);
  const kind = (values.kind ?? 'recipe') as ItemKind;
  if (!KINDS[app].includes(kind))
    throw new UsageError(`--kind for ${app} is one of ${KINDS[app].join(', ')}`);
  if (!values.id) throw new UsageError(`--id is needed. ${USAGE}`);
  if (!values.reason?.trim()) throw new UsageError('--reason is needed: the author is told why');
  const result = await community.review({
    kind,
    itemId: values.id,
    decision: action === 'restore' ? 'restored' : 'removed',
    reason: values.reason,
    decidedBy,
  });
  if (values.json) print(JSON.stringify(result, null, 2));
  else
    print(
      `${kind} ${values.id} ${action === 'restore' ? 'restored: public again' : 'removed from the public pages'}; the author will be told why.`,
    );
  return 0;
}

function checkApp(app: string | undefined): ModeratedApp {
  const found = APPS.find((a) => a === app);
  if (!found) throw new UsageError(`--app is hollowtown or recipes. ${USAGE}`);
  return found;
}
