// Yearly seasons (the Halloween banner's days) and where an app's public pages are, shared by the
// apps that feature each other's content.
import type { Config, SeasonConfig, ServiceName } from './config.ts';

/** Whether `at` (UTC) falls in the season, both ends included. */
export function isInSeason(season: SeasonConfig, at: Date): boolean {
  const day = at.toISOString().slice(5, 10);
  return season.from <= season.to
    ? day >= season.from && day <= season.to
    : day >= season.from || day <= season.to;
}

/**
 * The public address of a page of an app: on the app's own host when CALOS_HOSTS maps one to it
 * (https in production), else under the URL where the app answers (CALOS_<APP>_URL), else under
 * its prefix on this server.
 */
export function publicPageUrl(config: Config, service: ServiceName, pagePath: string): string {
  for (const [host, mapped] of config.hosts) {
    if (mapped === service && !host.startsWith('*.')) return `${ownHostOrigin(config, host)}${pagePath}`;
  }
  const base =
    service === 'hollowtown' || service === 'recipes' || service === 'family'
      ? config.appUrls[service]
      : undefined;
  return `${base ?? ''}/${service}${pagePath}`;
}

/**
 * An app's own host as people reach it: https in production; elsewhere the issuer's scheme and
 * port, as CALOS's own pages' redirect URIs (src/identity/oidc/first-party.ts), so that
 * `CALOS_HOSTS=recipes.localhost=recipes npm start` links to http://recipes.localhost:3000, not to
 * port 80 where nothing answers.
 */
function ownHostOrigin(config: Pick<Config, 'nodeEnv' | 'issuer'>, host: string): string {
  if (config.nodeEnv === 'production') return `https://${host}`;
  const issuer = new URL(config.issuer);
  const port = issuer.port && issuer.port !== '0' ? `:${issuer.port}` : '';
  return `${issuer.protocol}//${host}${port}`;
}
