// calos clients add|list|remove: registers the apps that sign people in with CALOS (another
// domain's, a partner's) with identity's OpenID Connect provider, straight on identity's database.

import { createIdentityServices } from '../identity/index.ts';
import type { Config } from '../platform/config.ts';
import { createLogger } from '../platform/logger.ts';
import { openCliDatabases } from './databases.ts';
import { CliErrors } from './errors.ts';
import { print, UsageError } from './output.ts';

export interface ClientsOptions {
  name?: string;
  'redirect-uri'?: string[];
  'post-logout-redirect-uri'?: string[];
  'backchannel-logout-uri'?: string;
  'service-scope'?: string[];
  public?: boolean;
  /** The app signs in on a device without a browser (RFC 8628 device flow). */
  device?: boolean;
  'first-party'?: boolean;
  json?: boolean;
}

const USAGE =
  'use: calos clients add --name <name> [--redirect-uri <uri>]… [--post-logout-redirect-uri <uri>]… ' +
  '[--backchannel-logout-uri <uri>] [--public] [--device] [--first-party] [--service-scope <scope>]… [--json] | ' +
  'calos clients list [--json] | calos clients remove <client_id>';

export async function runClients(
  config: Config,
  action: string | undefined,
  args: string[],
  options: ClientsOptions,
): Promise<number> {
  if (action !== 'add' && action !== 'list' && action !== 'remove') throw new UsageError(USAGE);
  if (action === 'add' && !options.name) throw new UsageError(`--name is required. ${USAGE}`);
  if (action === 'remove' && !args[0]) throw new UsageError(`name the client_id to remove. ${USAGE}`);
  const pools = await openCliDatabases({
    databases: config.databases,
    dataDir: config.dataDir,
    names: ['identity'],
    poolSize: 2,
  });
  try {
    const { oidcService } = createIdentityServices({
      config,
      databases: pools,
      logger: createLogger({ ...config, logLevel: 'silent' }),
    });
    const notMigrated = (error: unknown) => {
      // 42P01: a table is missing, so identity's schema is not there yet.
      if ((error as { code?: unknown }).code !== '42P01') throw error;
      throw CliErrors.identityNotMigrated();
    };
    if (action === 'add') {
      const scopes = options['service-scope'] ?? [];
      const added = await oidcService
        .addClient({
          name: options.name ?? '',
          redirectUris: options['redirect-uri'] ?? [],
          postLogoutRedirectUris: options['post-logout-redirect-uri'],
          backchannelLogoutUri: options['backchannel-logout-uri'],
          isPublic: options.public ?? false,
          device: options.device ?? false,
          firstParty: options['first-party'] ?? false,
          ...(scopes.length > 0 ? { service: { scopes } } : {}),
        })
        .catch(notMigrated);
      if (options.json) print(JSON.stringify({ ...added, issuer: config.issuer }));
      else {
        print(`Registered "${added.name}" with ${config.issuer}`);
        print(`client_id:     ${added.client_id}`);
        if (added.client_secret) {
          print(`client_secret: ${added.client_secret}`);
          print('Keep the secret now: it is not shown again.');
        } else print('A public client: no secret; it must use PKCE (S256).');
      }
      return 0;
    }
    if (action === 'list') {
      const clients = await oidcService.listClients().catch(notMigrated);
      if (options.json) print(JSON.stringify(clients));
      else if (clients.length === 0) print('No apps are registered.');
      else
        for (const c of clients)
          print(
            `${c.client_id}  ${c.name}${c.public ? ' (public)' : ''}${c.first_party ? ' (first party)' : ''}  ${
              c.redirect_uris.join(' ') || c.grant_types.join(' ')
            }`,
          );
      return 0;
    }
    await oidcService.removeClient(args[0] ?? '').catch(notMigrated);
    print(`Removed ${args[0]} and every token issued to it.`);
    return 0;
  } finally {
    await pools.closeAll();
  }
}
