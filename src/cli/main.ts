// The `calos` command: migrations, serving, diagnosis, contractor access and the monolith split.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type Config, loadConfig, readEnvFile, SERVICE_NAMES, type ServiceName } from '../platform/config.ts';
import { DataDirInUseError, type LockHolder } from '../platform/db/data-dir-lock.ts';
import { DEFAULT_WEB_DIST } from '../platform/http/static.ts';
import { createLogger } from '../platform/logger.ts';
import {
  type CliStreams,
  cliEnv,
  hostConfig,
  print,
  reportFailure,
  UsageError,
  withCliContext,
} from './output.ts';

const HELP = `calos — one account, many apps

Usage:
  calos start                          migrate every database, then serve every service
  calos serve [service…] [--migrate]   serve some services (${SERVICE_NAMES.join(', ')})
  calos migrate [all|<db>]             apply pending migrations (identity first for all)
  calos migrate status                 what is applied, pending or edited, per database
  calos rollback <db> [--to N]         undo the newest migration, or down to version N
  calos doctor [--fix]                 check databases, migrations, the data-dir lock and references
                                       across databases (--fix applies the policy to orphans)
  calos access grant --database <db> --role <name> [--read-only]
                                       a PostgreSQL login that can use only that database
  calos access revoke --database <db> --role <name>
  calos keys rotate-master [--new-key <64 hex>]
                                       re-encrypt every stored secret under a new master key
  calos keys rotate-signing            sign new access tokens with a fresh key (no one is signed out)
  calos clients add --name <name> [--redirect-uri <uri>]… [--public] [--json]
              [--post-logout-redirect-uri <uri>]… [--backchannel-logout-uri <uri>]
              [--service-scope <scope>]… [--device] [--first-party]
                                       register an app that signs people in with CALOS (OpenID
                                       Connect); prints its client_id, and its secret once
  calos clients list [--json] | calos clients remove <client_id>
  calos plans list [--json]            the plans, their prices and entitlements
  calos plans set <code> [--ai-per-minute N] [--ai-per-hour N] [--ai-per-day N] [--price-cents N]
              [--family-members N|unlimited] [--shared-calendars on|off] [--premium-models on|off]
              [--name <text>]          change a plan (audited; applies to new tokens and AI calls at once)
  calos staff grant --user <login> --role admin|support|moderator [--domain hollowtown|recipes|family|identity|all]
  calos staff revoke --user <login> --role <role> [--domain <domain>]
  calos staff list [--json]            staff roles for the operator console (audited)
  calos seed hollowtown --count N [--concurrency K] [--user NAME] [--theme TEXT]… [--publish]
                                       generate N Halloween recipes through the AI gateway (resumable);
                                       default account calos-seed (published), K=4 at a time
  calos seed starter [--restore]       load the starter pack (content/starter) as calos start does;
                                       idempotent; --restore brings back items an operator deleted
  calos import --user <login> <archive.zip> [--json]
                                       take a "Download my data" archive (of this or another CALOS)
                                       into an existing account; running it again adds nothing twice
  calos moderation list --app hollowtown|recipes [--json]
                                       items hidden by reports, waiting for review
  calos moderation restore|remove --app hollowtown|recipes [--kind recipe|costume|plan|comment] --id <uuid>
              --reason <text>          review one: public again, or off the public pages (audited;
                                       the author is mailed the reason)
  calos affiliate report --since <date> [--json]
                                       "Buy at …" clicks by app, retailer and kind of item
  calos split --from <postgres URL> [--mapping file] [--dry-run] [--json] [--jobs N]
              [--allow-dropped-columns]
                                       move a monolith's tables into the four databases, verified;
                                       run again to resume (docs/migrating-from-monolith.md)
  calos split verify --from <postgres URL> [--json] [--limit N]
                                       compare again and list the rows changed since the split
  calos split mapping                  print the default mapping (which table goes where)

Databases: identity, hollowtown, recipes, family. Configuration comes from the environment
(and .env): see README.md.`;

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      to: { type: 'string' },
      database: { type: 'string' },
      role: { type: 'string' },
      'read-only': { type: 'boolean' },
      fix: { type: 'boolean' },
      migrate: { type: 'boolean' },
      'new-key': { type: 'string' },
      from: { type: 'string' },
      mapping: { type: 'string' },
      'dry-run': { type: 'boolean' },
      json: { type: 'boolean' },
      jobs: { type: 'string' },
      'allow-dropped-columns': { type: 'boolean' },
      limit: { type: 'string' },
      count: { type: 'string' },
      concurrency: { type: 'string' },
      user: { type: 'string' },
      theme: { type: 'string', multiple: true },
      publish: { type: 'boolean' },
      restore: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      app: { type: 'string' },
      kind: { type: 'string' },
      id: { type: 'string' },
      reason: { type: 'string' },
      name: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'post-logout-redirect-uri': { type: 'string', multiple: true },
      'backchannel-logout-uri': { type: 'string' },
      'service-scope': { type: 'string', multiple: true },
      public: { type: 'boolean' },
      device: { type: 'boolean' },
      'first-party': { type: 'boolean' },
      domain: { type: 'string' },
      'ai-per-minute': { type: 'string' },
      'ai-per-hour': { type: 'string' },
      'ai-per-day': { type: 'string' },
      'price-cents': { type: 'string' },
      'family-members': { type: 'string' },
      'shared-calendars': { type: 'string' },
      'premium-models': { type: 'string' },
      since: { type: 'string' },
    },
  });
  const [command, ...rest] = positionals;
  if (!command || command === 'help' || values.help) {
    print(HELP);
    return 0;
  }
  const given = cliEnv();
  const host = hostConfig();
  if (!host && given === process.env) readEnvFile();
  const config = host ?? loadConfig(given);
  // Each command loads only its own modules: a command that needs one database does not pay
  // for importing every service.
  switch (command) {
    case 'start':
      return serve(config, [], true);
    case 'serve':
      return serve(config, rest, values.migrate ?? false);
    case 'migrate': {
      const { runMigrate, runMigrationStatus } = await import('./migrate.ts');
      return rest[0] === 'status' ? runMigrationStatus(config) : runMigrate(config, rest[0]);
    }
    case 'rollback':
      return (await import('./migrate.ts')).runRollback(config, rest[0], values.to);
    case 'doctor':
      return (await import('./doctor.ts')).runDoctor(config, { fix: values.fix ?? false });
    case 'access':
      return access(config, rest[0], values);
    case 'keys':
      return (await import('./keys.ts')).runKeys(config, rest[0], values);
    case 'clients':
      return (await import('./clients.ts')).runClients(config, rest[0], rest.slice(1), values);
    case 'plans':
      return (await import('./plans.ts')).runPlans(config, rest[0], rest.slice(1), values);
    case 'staff':
      return (await import('./plans.ts')).runStaff(config, rest[0], values);
    case 'split':
      return (await import('./split.ts')).runSplit(config, rest, values);
    case 'seed':
      if (rest[0] === 'starter') {
        if (rest.length > 1)
          throw new UsageError(
            `unexpected "${rest.slice(1).join(' ')}"\nuse: calos seed starter [--restore]`,
          );
        await (await import('./seed-starter.ts')).runSeedStarter(config, {
          restore: values.restore ?? false,
        });
        return 0;
      }
      return (await import('./seed.ts')).runSeed(config, rest, values);
    case 'import':
      return (await import('./import.ts')).runImport(config, rest, { user: values.user, json: values.json });
    case 'moderation':
      return (await import('./moderation.ts')).runModeration(config, rest[0], values);
    case 'affiliate':
      return (await import('./affiliate.ts')).runAffiliate(config, rest[0], values);
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

async function serve(config: Config, names: string[], migrate: boolean): Promise<number> {
  for (const name of names) {
    if (!SERVICE_NAMES.includes(name as ServiceName)) {
      throw new UsageError(`unknown service "${name}" (use ${SERVICE_NAMES.join(', ')})`);
    }
  }
  // Loaded here: importing every service costs the other commands most of a second.
  const { startPlatform, stopOnSignals } = await import('../main.ts');
  const logger = createLogger(config);
  const started = performance.now();
  const platform = await startPlatform({
    config,
    logger,
    services: names.length > 0 ? (names as ServiceName[]) : undefined,
    migrate,
    starterPack: true,
  });
  stopOnSignals(platform, logger);
  const base = platform.url.replace('://127.0.0.1', '://localhost');
  const engines = new Set(platform.databases.names.map((n) => config.databases[n].engine));
  print(`CALOS is ready on ${base} in ${Math.round(performance.now() - started)} ms`);
  print(
    engines.has('pglite') ? `  databases: embedded (PGlite) in ${config.dataDir}` : '  databases: PostgreSQL',
  );
  for (const service of platform.services) {
    print(`  ${service.title.padEnd(24)} ${base}${service.prefix}   docs: ${base}${service.prefix}/docs`);
  }
  if (existsSync(path.join(DEFAULT_WEB_DIST, 'account.html'))) {
    print(
      `  start here: ${base}/   web pages: ${base}/account/  ${base}/hollowtown/  ${base}/recipes/  ${base}/family/`,
    );
  }
  print(`  health: ${base}/healthz   readiness: ${base}/readyz`);
  for (const notice of platform.notices()) print(`\n  Note: ${notice}`);
  const starter = await platform.starterPack;
  if (starter && Object.values(starter.parts).some((c) => c.created + c.updated > 0)) {
    const { describeStarterLoad } = await import('./seed/starter.ts');
    print(`\n  Starter pack loaded in ${Math.round(starter.elapsedMs)} ms (CALOS_STARTER_PACK=off to skip):`);
    for (const line of describeStarterLoad(starter)) print(`    ${line}`);
  }
  return await new Promise<number>(() => undefined);
}

async function access(
  config: Config,
  action: string | undefined,
  values: { database?: string; role?: string; 'read-only'?: boolean },
): Promise<number> {
  if (action !== 'grant' && action !== 'revoke')
    throw new UsageError('use: calos access grant|revoke --database <db> --role <name>');
  if (!values.database || !values.role)
    throw new UsageError(`access ${action} needs --database <db> and --role <name>`);
  const { parseDatabaseArgument } = await import('./migrate.ts');
  const { grantAccess, revokeAccess } = await import('./access.ts');
  const [database] = parseDatabaseArgument(values.database, false);
  if (!database) throw new UsageError('name one database');
  if (action === 'revoke') {
    await revokeAccess(config, { database, role: values.role });
    print(`Role ${values.role} removed.`);
    return 0;
  }
  const grant = await grantAccess(config, { database, role: values.role, readOnly: values['read-only'] });
  print(
    `Role ${grant.role} can now ${grant.readOnly ? 'read' : 'read and write'} ${grant.database}, and connect to no other CALOS database.`,
  );
  print('Give the contractor this connection URL (shown once; the password is not stored by CALOS):');
  print(`  ${grant.connectionUrl}`);
  print(`  psql "${grant.connectionUrl}"`);
  return 0;
}

/** Runs one calos command and returns its exit code; failures are reported, never thrown. */
export async function main(argv: string[]): Promise<number> {
  try {
    return await run(argv);
  } catch (error) {
    // `npm start` holds the embedded databases: hand the command to it rather than refuse.
    if (error instanceof DataDirInUseError && !hostConfig()) {
      const holder = error.details as LockHolder;
      const { canForward, forwardToServer } = await import('./in-server/forward.ts');
      if (canForward(argv, holder)) return forwardToServer(argv, holder);
    }
    return reportFailure(error);
  }
}

/**
 * One command in this process with its own environment and streams (tests, and callers that
 * embed the command): the same code as `calos …` without starting a new Node.js.
 */
export function runCalos(argv: string[], env: NodeJS.ProcessEnv, streams: CliStreams): Promise<number> {
  return withCliContext({ env, ...streams }, () => main(argv));
}
