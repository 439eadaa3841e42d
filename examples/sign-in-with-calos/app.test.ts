// The example partner app signs a person in with CALOS and shows their name and balance, as a
// browser goes through it: the app, CALOS's console (signed in, allowing the app), back to the app.
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../test/support/engines.ts';
import { given } from '../../test/support/given.ts';
import {
  browse,
  CookieJar,
  freePort,
  type OidcPlatform,
  startOidcPlatform,
} from '../../test/support/oidc.ts';
import { startExampleApp } from './app.ts';

describe.each(testEngines())('the sign-in-with-calos example on %s', (engine) => {
  let platform: OidcPlatform;
  let app: Server;
  let appUrl: string;

  beforeAll(async () => {
    platform = await startOidcPlatform(engine);
    const port = await freePort();
    appUrl = `http://127.0.0.1:${port}`;
    const registered = await platform.oidc.addClient({
      name: 'Sign-in example',
      redirectUris: [`${appUrl}/callback`],
      isPublic: false,
    });
    app = await startExampleApp({
      issuer: platform.issuer,
      clientId: registered.client_id,
      clientSecret: registered.client_secret ?? '',
      baseUrl: appUrl,
      port,
    });
  });
  afterAll(async () => {
    await new Promise((resolve) => app?.close(resolve));
    await platform.close();
  });

  it('shows the signed-in person’s name and credit balance', async () => {
    const person = await given(platform).user();
    const jar = new CookieJar();
    const atConsole = await browse(jar, `${appUrl}/login`, (url) => url.pathname === '/account/connect');
    const uid = atConsole.searchParams.get('interaction') ?? '';
    const view = await (await fetch(`${platform.url}/calos/api/oidc/interactions/${uid}`)).json();
    expect(view).toMatchObject({
      client_name: 'Sign-in example',
      scopes: ['openid', 'profile', 'credits:read'],
    });
    const accept = await fetch(`${platform.url}/calos/api/oidc/interactions/${uid}/accept`, {
      method: 'POST',
      headers: person.headers,
    });
    const { redirect_to } = (await accept.json()) as { redirect_to: string };
    const home = await browse(jar, redirect_to, (url) => url.href === `${appUrl}/`);
    const page = await fetch(home, { headers: { cookie: jar.header() } });
    const html = await page.text();
    expect(html).toContain(`Hello, ${person.username}`);
    expect(html).toContain('<strong>1000</strong> credits');
  });
});
