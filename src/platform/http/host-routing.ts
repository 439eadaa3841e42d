// Maps production host names to services (CALOS_HOSTS), so api.hollowtown.com/api/events
// reaches the handler mounted at /hollowtown/api/events.
import type { ServiceName } from '../config.ts';

/** Paths that stay global on every host. */
const GLOBAL_PATHS = new Set(['/healthz', '/readyz']);

export function createUrlRewriter(
  hosts: ReadonlyMap<string, ServiceName>,
  prefixes: ReadonlyMap<ServiceName, string>,
) {
  if (hosts.size === 0) return undefined;
  const wildcards = [...hosts]
    .filter(([host]) => host.startsWith('*.'))
    .map(([host, service]) => [host.slice(1), service] as const);
  const serviceOf = (host: string): ServiceName | undefined => {
    const exact = hosts.get(host);
    if (exact) return exact;
    return wildcards.find(([suffix]) => host.endsWith(suffix))?.[1];
  };
  return (hostHeader: string | undefined, url: string): string => {
    if (!hostHeader) return url;
    const host = hostHeader.replace(/:\d+$/, '').toLowerCase();
    const service = serviceOf(host);
    const prefix = service ? prefixes.get(service) : undefined;
    if (!prefix) return url;
    const pathOnly = url.split('?')[0] ?? url;
    if (GLOBAL_PATHS.has(pathOnly)) return url;
    return `${prefix}${url.startsWith('/') ? url : `/${url}`}`;
  };
}

/**
 * The service's prefix as the client sent it: '' when the request came on the service's own
 * host (CALOS_HOSTS, the prefix was added on arrival), the prefix otherwise. For URLs handed
 * back to the client, such as a calendar feed's address.
 */
export function prefixSeenByClient(originalUrl: string, prefix: string): string {
  return originalUrl === prefix ||
    originalUrl.startsWith(`${prefix}/`) ||
    originalUrl.startsWith(`${prefix}?`)
    ? prefix
    : '';
}
