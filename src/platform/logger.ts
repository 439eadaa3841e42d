// One pino logger for the process; secrets never reach the log: not in headers or bodies, not in
// a URL's query string, and not in a path parameter that a route marks secret (an iCal feed's
// token: `config: { secretParams: ['file'] }`).
import pino, { type DestinationStream, type Logger } from 'pino';
import type { Config } from './config.ts';

export type { Logger };

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Path parameters that are secrets (the URL is the key): logged as [redacted]. */
    secretParams?: readonly string[];
  }
}

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.api_key',
  '*.refresh_token',
  '*.access_token',
];

const REDACTED = '[redacted]';

/** Query parameters whose values are credentials wherever they appear. */
const SECRET_QUERY_NAMES =
  /^(token|access_token|refresh_token|id_token|code|device_code|user_code|api_key|apikey|key|secret|client_secret|password|signature|sig)$/i;

/** What a request looks like in the log: what Fastify logs, with secrets in its URL redacted. */
interface LoggedRequest {
  method: string;
  url: string;
  ip?: string;
  host?: string;
  socket?: { remotePort?: number };
  params?: unknown;
  routeOptions?: { url?: string; config?: { secretParams?: readonly string[] } };
}

export function redactedUrl(request: LoggedRequest): string {
  const url = request.url ?? '';
  const queryAt = url.indexOf('?');
  let path = queryAt === -1 ? url : url.slice(0, queryAt);
  const query = queryAt === -1 ? '' : url.slice(queryAt + 1);

  const secret = request.routeOptions?.config?.secretParams;
  const pattern = request.routeOptions?.url;
  if (secret?.length && pattern) {
    // Rebuilt from the route's pattern: the secret is not searched for in the raw text (which the
    // client may have percent-encoded any way it liked), it is simply never written.
    const params = (request.params ?? {}) as Record<string, unknown>;
    // `:name` parameters, and a trailing wildcard, whose parameter is named `*`.
    path = pattern.replace(/:(\w+)|\*$/g, (match, name: string | undefined) => {
      const key = name ?? '*';
      const value = String(params[key] ?? '');
      if (!secret.includes(key)) return name === undefined ? match : encodeURIComponent(value);
      // A file name keeps its extension (/ical/[redacted].ics): what was asked for, not the key.
      const extension = /\.[A-Za-z0-9]{1,8}$/.exec(value)?.[0] ?? '';
      return `${REDACTED}${extension}`;
    });
  }

  if (!query) return path;
  const redactedQuery = query
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = equals === -1 ? pair : pair.slice(0, equals);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name.replaceAll('+', ' '));
      } catch {
        // A name that does not decode is logged as sent.
      }
      return equals !== -1 && SECRET_QUERY_NAMES.test(decoded) ? `${name}=${REDACTED}` : pair;
    })
    .join('&');
  return `${path}?${redactedQuery}`;
}

export const serializers = {
  req: (request: LoggedRequest) => ({
    method: request.method,
    url: redactedUrl(request),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  }),
};

export function createLogger(config: Pick<Config, 'logLevel'>, destination?: DestinationStream): Logger {
  return pino(
    { level: config.logLevel, redact: { paths: REDACTED_PATHS, censor: REDACTED }, serializers },
    destination,
  );
}
