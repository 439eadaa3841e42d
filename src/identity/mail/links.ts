// Where mails link to: the account console (CALOS_ACCOUNT_URL, or in development the host the
// request came to), identity's API beside it (for RFC 8058 one-click unsubscribe), and the
// signed unsubscribe tokens (an HMAC under a key derived from the master key: nothing stored,
// nothing to guess).
import { createHmac, hkdfSync } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Config } from '../../platform/config.ts';
import { safeEqual } from '../../platform/crypto/tokens.ts';
import { createHostLookup, pageConfigFor } from '../../platform/http/static.ts';

const IDENTITY_PREFIX = '/calos';

/** The account console (absolute, ends with /) as the person who made this request reaches it. */
export function consoleUrlOf(config: Pick<Config, 'mail' | 'hosts'>, request: FastifyRequest): string {
  if (config.mail.accountUrl) return config.mail.accountUrl;
  const host = request.headers.host ?? 'localhost';
  const account = pageConfigFor('account', config.hosts, host, request.protocol).account;
  return /^https?:\/\//.test(account) ? account : `${request.protocol}://${host}${account}`;
}

/** The console when no request says where it is (background work). */
export const defaultConsoleUrl = (config: Pick<Config, 'mail' | 'port'>): string =>
  config.mail.accountUrl ?? `http://localhost:${config.port}/account/`;

/** A view of the console, e.g. `reset-password?token=…`. */
export function consoleLink(consoleUrl: string, view: string, params: Record<string, string> = {}): string {
  const url = new URL(view, consoleUrl);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
}

/** Identity's API root beside the console: on identity's own host without the /calos prefix. */
export function identityApiRoot(hosts: Config['hosts'], consoleUrl: string): string {
  const url = new URL(consoleUrl);
  return createHostLookup(hosts).serviceOf(url.hostname) === 'identity'
    ? url.origin
    : `${url.origin}${IDENTITY_PREFIX}`;
}

const unsubscribeKey = (masterKey: Buffer) =>
  Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'calos mail unsubscribe v1', 32));

const signature = (masterKey: Buffer, body: string) =>
  createHmac('sha256', unsubscribeKey(masterKey)).update(body).digest('base64url');

/** A token that stops one category of mail for one account, for as long as the master key lasts. */
export function unsubscribeToken(masterKey: Buffer, userId: string, category: string): string {
  const body = Buffer.from(`${userId}:${category}`).toString('base64url');
  return `${body}.${signature(masterKey, body)}`;
}

export function readUnsubscribeToken(
  masterKey: Buffer,
  token: string,
): { userId: string; category: string } | undefined {
  const [body, mac, ...rest] = token.split('.');
  if (!body || !mac || rest.length > 0 || !safeEqual(mac, signature(masterKey, body))) return undefined;
  const [userId, category] = Buffer.from(body, 'base64url').toString('utf8').split(':');
  return userId && category ? { userId, category } : undefined;
}
