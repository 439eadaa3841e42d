// `calos affiliate report --since <date> [--json]`: "Buy at …" clicks by app, retailer and kind
// of item, read from each app's own database (affiliate_clicks).

import { type ClickCount, countClicks } from '../affiliate/store.ts';
import { AFFILIATE_APPS } from '../platform/affiliate-config.ts';
import type { Config } from '../platform/config.ts';
import { openCliDatabases } from './databases.ts';
import { pad, print, UsageError } from './output.ts';

const USAGE = 'use: calos affiliate report --since <YYYY-MM-DD or ISO 8601 time> [--json]';

export interface AffiliateValues {
  since?: string;
  json?: boolean;
}

/** A day (midnight UTC) or an ISO 8601 time with its offset. */
export function parseSince(value: string | undefined): Date {
  if (!value) throw new UsageError(`--since is needed. ${USAGE}`);
  const day = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const time = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value);
  const at = new Date(day ? `${value}T00:00:00Z` : value);
  if ((!day && !time) || Number.isNaN(at.getTime()) || (day && at.toISOString().slice(0, 10) !== value))
    throw new UsageError(`--since must be a date (2026-12-01) or an ISO 8601 time with offset. ${USAGE}`);
  return at;
}

export async function runAffiliate(
  config: Config,
  action: string | undefined,
  values: AffiliateValues,
): Promise<number> {
  if (action !== 'report') throw new UsageError(USAGE);
  const since = parseSince(values.since);
  const pools = await openCliDatabases({
    databases: config.databases,
    dataDir: config.dataDir,
    names: [...AFFILIATE_APPS],
    poolSize: 1,
  });
  try {
    const rows: ClickCount[] = [];
    for (const app of AFFILIATE_APPS) rows.push(...(await countClicks(pools.get(app), since)));
    printReport(since, rows, values.json ?? false);
    return 0;
  } finally {
    await pools.closeAll();
  }
}

function printReport(since: Date, rows: ClickCount[], json: boolean): void {
  const total = rows.reduce((sum, r) => sum + r.clicks, 0);
  if (json) {
    print(JSON.stringify({ since: since.toISOString(), total_clicks: total, rows }, null, 2));
    return;
  }
  print(`Affiliate clicks since ${since.toISOString()}: ${total}`);
  if (rows.length === 0) return;
  print(`${pad('APP', 12)}${pad('RETAILER', 20)}${pad('ITEM KIND', 18)}${pad('CLICKS', 8)}PEOPLE`);
  for (const r of rows)
    print(
      `${pad(r.app, 12)}${pad(r.retailer, 20)}${pad(r.item_kind, 18)}${pad(String(r.clicks), 8)}${r.users}`,
    );
}
