// A platform whose OpenID issuer is its own address (the issuer must be known before it starts),
// an app registered with it, and a browser-less walk through the provider's redirects as a
// signed-in person's browser would take them (cookies kept per host, as a browser does).
import { createServer } from 'node:net';
import { expect } from 'vitest';
import { createIdentityServices, type IdentityServices } from '../../src/identity/index.ts';
import type { ServiceName } from '../../src/platform/config.ts';
import { loadConfig } from '../../src/platform/config.ts';
import type { Engine } from '../../src/platform/db/database.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { startTestPlatform, type TestPlatform } from './platform.ts';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface OidcPlatform extends TestPlatform {
  issuer: string;
  oidc: IdentityServices['oidcService'];
}

export async function startOidcPlatform(
  engine: Engine,
  options: {
    services?: ServiceName[];
    env?: Record<string, string>;
    /** The issuer for the platform's port (default http://127.0.0.1:<port>/calos). */
    issuer?: (port: number) => string;
  } = {},
): Promise<OidcPlatform> {
  const port = await freePort();
  const issuer = options.issuer?.(port) ?? `http://127.0.0.1:${port}/calos`;
  const env = { PORT: String(port), HOST: '127.0.0.1', CALOS_ISSUER: issuer, ...options.env };
  const platform = await startTestPlatform(engine, { services: options.services ?? ['identity'], env });
  // What `calos clients add` builds: identity's services on the same databases and clock.
  const config = Object.freeze({
    ...loadConfig({ NODE_ENV: 'test', CALOS_DATA_DIR: platform.isolated.dataDir, ...env }),
    databases: platform.isolated.targets,
  });
  const services = createIdentityServices({
    config,
    databases: platform.databases,
    logger: createLogger({ ...config, logLevel: 'silent' }),
    clock: platform.clock,
  });
  return { ...platform, issuer, oidc: services.oidcService };
}

/** A browser's cookie jar, enough for the provider's interaction and session cookies. */
export class CookieJar {
  readonly #cookies = new Map<string, string>();
  store(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair?.indexOf('=') ?? -1;
      if (!pair || at < 0) continue;
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/** Follows redirects by hand (keeping cookies) until the browser would leave for `stopAt`. */
export async function browse(
  jar: CookieJar,
  start: string,
  stop: (url: URL) => boolean,
  init: RequestInit = {},
): Promise<URL> {
  let url = new URL(start);
  let request: RequestInit = init;
  for (let hop = 0; hop < 10; hop += 1) {
    if (stop(url)) return url;
    const response = await fetch(url, {
      ...request,
      redirect: 'manual',
      headers: { ...(request.headers as Record<string, string>), cookie: jar.header() },
    });
    jar.store(response);
    const location = response.headers.get('location');
    if (!location) {
      expect.fail(
        `${url} answered ${response.status} without a redirect: ${(await response.text()).slice(0, 300)}`,
      );
    }
    url = new URL(location, url);
    request = {};
  }
  throw new Error('too many redirects');
}
