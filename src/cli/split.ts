// calos split --from <monolith URL> [--mapping file] [--dry-run] [--json] [--jobs N]
//   [--allow-dropped-columns] [--limit N]; calos split verify --from …; calos split mapping.
import type { Config } from '../platform/config.ts';
import { redact } from '../platform/config.ts';
import { AppError } from '../platform/errors.ts';
import { print, stderrStream, stdoutStream, UsageError } from './output.ts';
import { defaultMappingText, loadMapping } from './split/mapping.ts';
import { renderReport } from './split/report.ts';
import { splitMonolith, verifySplit } from './split/split.ts';

export interface SplitValues {
  from?: string;
  mapping?: string;
  'dry-run'?: boolean;
  json?: boolean;
  jobs?: string;
  'allow-dropped-columns'?: boolean;
  limit?: string;
}

export const SPLIT_USAGE =
  'use: calos split --from <postgres URL> [--mapping file] [--dry-run] [--json] [--jobs N] [--allow-dropped-columns]\n' +
  '     calos split verify --from <postgres URL> [--mapping file] [--json] [--limit N]\n' +
  '     calos split mapping   (prints the default mapping)';

/** The monolith's URL, or a usage error that says what is wrong with it. */
export function parseMonolithUrl(value: string | undefined): string {
  if (!value) throw new UsageError(`calos split needs --from <postgres URL of the monolith>\n${SPLIT_USAGE}`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(
      `--from is not a URL (${redact(value)}); give one such as postgres://user:password@host:5432/calos`,
    );
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
    throw new UsageError(`--from must be a postgres:// or postgresql:// URL (got ${redact(value)})`);
  if (!url.hostname && !url.searchParams.has('host'))
    throw new UsageError(
      `--from must name the server, e.g. postgres://host:5432/calos (got ${redact(value)})`,
    );
  const database = decodeURIComponent(url.pathname.slice(1));
  if (!database || database.includes('/'))
    throw new UsageError(
      `--from must name the monolith database in its path, e.g. postgres://host:5432/calos (got ${redact(value)})`,
    );
  return url.toString();
}

const positiveInteger = <T>(name: string, value: string | undefined, fallback: T): number | T => {
  if (value === undefined) return fallback;
  if (!/^[1-9]\d{0,3}$/.test(value))
    throw new UsageError(`--${name} takes a whole number from 1 to 9999 (got "${value}")`);
  return Number(value);
};

export async function runSplit(config: Config, rest: string[], values: SplitValues): Promise<number> {
  const [action, ...extra] = rest;
  if (extra.length > 0 || (action !== undefined && action !== 'verify' && action !== 'mapping'))
    throw new UsageError(`unknown split argument "${[action, ...extra].join(' ')}"\n${SPLIT_USAGE}`);
  if (action === 'mapping') {
    stdoutStream().write(defaultMappingText());
    return 0;
  }
  const from = parseMonolithUrl(values.from);
  const mapping = loadMapping(values.mapping);
  const options = {
    from,
    config,
    mapping,
    dryRun: values['dry-run'] ?? false,
    allowDroppedColumns: values['allow-dropped-columns'] ?? false,
    jobs: positiveInteger('jobs', values.jobs, undefined),
    examples: positiveInteger('limit', values.limit, 10),
    progress: stderrStream(),
  };
  try {
    const report = action === 'verify' ? await verifySplit(options) : await splitMonolith(options);
    print(values.json ? JSON.stringify(report, null, 2) : renderReport(report));
    return report.ok ? 0 : 1;
  } catch (error) {
    if (!values.json || !(error instanceof AppError)) throw error;
    print(
      JSON.stringify(
        { ok: false, error: { code: error.code, message: error.message, details: error.details } },
        null,
        2,
      ),
    );
    return 1;
  }
}
