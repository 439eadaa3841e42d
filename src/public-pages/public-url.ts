// Where an app's public pages live as the world should link to them: on the app's own host when
// CALOS_HOSTS maps one to it (https in production), else on the host the request came to, under
// the app's prefix. Canonical links, Open Graph URLs and sitemaps all use it, so a page reached
// under /hollowtown/r/… on the shared host still names https://hollowtown.example/r/… as itself.
import type { FastifyRequest } from 'fastify';
import type { Config, ServiceName } from '../platform/config.ts';
import { createHostLookup, splitHost } from '../platform/http/static.ts';

/** A Host header we are willing to write into a page: a name or an IP literal, and a port. */
const SAFE_HOST = /^(?:[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?|\[[0-9a-f:.]{2,45}\])(?::\d{1,5})?$/i;

export interface PublicBase {
  /** The app's public root, without a trailing slash: `https://hollowtown.example` or `http://localhost:3000/hollowtown`. */
  base: string;
  /** Whether the root is the app's own host (its paths have no prefix). */
  isOwnHost: boolean;
}

export function publicBaseOf(
  config: Pick<Config, 'hosts' | 'nodeEnv'>,
  service: ServiceName,
  prefix: string,
  request: Pick<FastifyRequest, 'headers' | 'protocol'>,
): PublicBase {
  const raw = request.headers.host ?? '';
  // A default port is not written (http://x:80 is http://x).
  const defaultPort = request.protocol === 'https' ? ':443' : ':80';
  const hostHeader = (SAFE_HOST.test(raw) ? raw.toLowerCase() : 'localhost').replace(
    new RegExp(`${defaultPort}$`),
    '',
  );
  const own = createHostLookup(config.hosts).hostOf(service);
  if (own) {
    // In production the public host is served over TLS whatever the last hop was; elsewhere the
    // request's scheme and port (hollowtown.localhost:3000) are the ones that work.
    const isProduction = config.nodeEnv === 'production';
    const scheme = isProduction ? 'https' : request.protocol;
    const port = isProduction ? '' : splitHost(hostHeader).port;
    return { base: `${scheme}://${own}${port}`, isOwnHost: true };
  }
  return { base: `${request.protocol}://${hostHeader}${prefix}`, isOwnHost: false };
}
