// Fetching a page whose address a user gave us (recipe import), without letting the server be
// used to reach the internal network: only http(s) to public unicast addresses, checked on every
// connection (the resolved addresses, so DNS cannot point a public name at 127.0.0.1) and on
// every redirect; bounded in size, time and redirects, and only for the content types asked for.
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, request } from 'undici';
import { AppError, SafeFetchErrors } from './errors.ts';

export interface SafeFetchLimits {
  /** The whole fetch, redirects included. */
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  /**
   * host:port pairs (lower case) that may be private, for an operator's own recipe site on the
   * internal network, and for tests; everything else must be a public address.
   */
  allowedHosts: ReadonlySet<string>;
}

/** The defaults of the RECIPE_IMPORT_* settings. */
export const DEFAULT_FETCH_LIMITS: SafeFetchLimits = Object.freeze({
  timeoutMs: 10_000,
  maxBytes: 5 * 1024 * 1024,
  maxRedirects: 5,
  allowedHosts: new Set<string>(),
});

export interface FetchedPage {
  /** Where the page was found in the end (after redirects). */
  url: URL;
  contentType: string;
  body: Buffer;
}

/** Whether an address is one anybody on the internet could reach (not loopback, private, link-local…). */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    // ::ffff:127.0.0.1 and the like reach the IPv4 address behind them.
    if (v6.isIPv4MappedAddress()) parsed = v6.toIPv4Address();
  }
  return parsed.range() === 'unicast';
}

const hostKey = (url: URL) => {
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return `${url.hostname.toLowerCase()}:${port}`;
};

/** The URL as given, or why it cannot be fetched; IP literals are checked here (no lookup for them). */
export function checkUrl(raw: string | URL, limits: Pick<SafeFetchLimits, 'allowedHosts'>): URL {
  let url: URL;
  try {
    url = typeof raw === 'string' ? new URL(raw) : raw;
  } catch {
    throw SafeFetchErrors.urlInvalid('it is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw SafeFetchErrors.urlInvalid('only http and https addresses');
  if (url.username || url.password) throw SafeFetchErrors.urlInvalid('it carries a user name or password');
  if (limits.allowedHosts.has(hostKey(url))) return url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && !isPublicAddress(host)) throw SafeFetchErrors.addressRefused(host);
  if (host === 'localhost' || host.endsWith('.localhost')) throw SafeFetchErrors.addressRefused(host);
  return url;
}

class RefusedAddress extends Error {
  constructor(readonly host: string) {
    super(`${host} resolves to a private address`);
  }
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** dns.lookup, refusing a name any of whose addresses is not public (checked at connect time). */
function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const list = addresses as LookupAddress[];
    if (list.length === 0 || list.some((a) => !isPublicAddress(a.address)))
      return callback(new RefusedAddress(hostname) as NodeJS.ErrnoException, []);
    if (options.all) return callback(null, list);
    const first = list[0] as LookupAddress;
    return callback(null, first.address, first.family);
  });
}

const guardedAgent = new Agent({ connect: { lookup: guardedLookup }, connections: 16 });
/**
 * An undici dispatcher that connects only to public addresses (the resolved ones, on every
 * connection), for other outbound requests to addresses users gave (Web Push endpoints).
 */
export const publicOnlyDispatcher: Agent = guardedAgent;
// For the allowed hosts only: the ordinary lookup.
const plainAgent = new Agent({ connections: 4 });

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Drops a body without reading it (its abort error is expected, not a failure). */
function discard(body: { on(event: 'error', listener: () => void): unknown; destroy(): unknown }) {
  body.on('error', () => undefined);
  body.destroy();
}

/**
 * GETs `raw`, following at most maxRedirects redirects (each checked like the first address),
 * and answers the body when its content type is one of `accept` (e.g. text/html). Every failure
 * is an AppError with an IMPORT_* code.
 */
export async function safeFetch(
  raw: string,
  limits: SafeFetchLimits,
  accept: readonly string[],
): Promise<FetchedPage> {
  let url = checkUrl(raw, limits);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), limits.timeoutMs);
  try {
    for (let redirects = 0; ; redirects++) {
      const isAllowed = limits.allowedHosts.has(hostKey(url));
      const response = await request(url, {
        method: 'GET',
        dispatcher: isAllowed ? plainAgent : guardedAgent,
        signal: controller.signal,
        headers: {
          accept: `${accept.join(', ')};q=1, */*;q=0.1`,
          'user-agent': 'CALOS-HowToCookAtHome/1 (recipe import)',
        },
        headersTimeout: limits.timeoutMs,
        bodyTimeout: limits.timeoutMs,
      }).catch((error: unknown) => {
        throw translate(error, url, limits);
      });
      if (REDIRECTS.has(response.statusCode)) {
        await response.body.dump().catch(() => undefined);
        const location = response.headers.location;
        if (typeof location !== 'string')
          throw SafeFetchErrors.upstreamFailed('a redirect without a Location');
        if (redirects >= limits.maxRedirects) throw SafeFetchErrors.tooManyRedirects(limits.maxRedirects);
        url = checkUrl(new URL(location, url).toString(), limits);
        continue;
      }
      if (response.statusCode < 200 || response.statusCode > 299) {
        await response.body.dump().catch(() => undefined);
        throw SafeFetchErrors.upstreamFailed(`the site answered ${response.statusCode}`, response.statusCode);
      }
      const header = response.headers['content-type'];
      const contentType = (Array.isArray(header) ? header[0] : header) ?? '';
      const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
      if (!accept.includes(mediaType)) {
        discard(response.body);
        throw SafeFetchErrors.unsupportedContent(mediaType);
      }
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > limits.maxBytes) {
        discard(response.body);
        throw SafeFetchErrors.tooLarge(limits.maxBytes);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      try {
        for await (const chunk of response.body) {
          size += (chunk as Buffer).length;
          if (size > limits.maxBytes) {
            discard(response.body);
            throw SafeFetchErrors.tooLarge(limits.maxBytes);
          }
          chunks.push(chunk as Buffer);
        }
      } catch (error) {
        throw translate(error, url, limits);
      }
      return { url, contentType, body: Buffer.concat(chunks) };
    }
  } finally {
    clearTimeout(timer);
  }
}

function translate(error: unknown, url: URL, limits: SafeFetchLimits): Error {
  if (error instanceof AppError) return error;
  let cause: unknown = error;
  for (let depth = 0; cause && depth < 5; depth++) {
    if (cause instanceof RefusedAddress) return SafeFetchErrors.addressRefused(cause.host);
    cause = (cause as { cause?: unknown }).cause;
  }
  const name = (error as { name?: string; code?: string }).name;
  const code = (error as { code?: string }).code;
  if (
    name === 'AbortError' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'UND_ERR_ABORTED'
  )
    return SafeFetchErrors.timeout(limits.timeoutMs);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return SafeFetchErrors.upstreamFailed(`${url.hostname} is not a known host`);
  return SafeFetchErrors.upstreamFailed(code ? `${code} from ${url.host}` : `no answer from ${url.host}`);
}
