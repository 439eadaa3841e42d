// Sign in with CALOS: a partner's app in a few dozen lines on openid-client. A person signs in
// with their CALOS account and the app shows their name and credit balance (scope credits:read).
// Start: CALOS_ISSUER=… CLIENT_ID=… CLIENT_SECRET=… node --import tsx examples/sign-in-with-calos/app.ts
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import * as client from 'openid-client';

export interface ExampleOptions {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Where this app answers, e.g. http://127.0.0.1:4000 (its callback is <baseUrl>/callback). */
  baseUrl: string;
  port: number;
}

export async function startExampleApp(options: ExampleOptions): Promise<Server> {
  const insecure = options.issuer.startsWith('http://') ? { execute: [client.allowInsecureRequests] } : {};
  const config = await client.discovery(
    new URL(options.issuer),
    options.clientId,
    options.clientSecret,
    undefined,
    insecure,
  );
  const redirectUri = `${options.baseUrl}/callback`;
  // Sign-ins in progress and signed-in visitors, by a random cookie (in memory: an example).
  const pending = new Map<string, { verifier: string; state: string }>();
  const visitors = new Map<string, { name: string; balance: number }>();
  const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', options.baseUrl);
    const sid = /(?:^|;\s*)sid=([A-Za-z0-9_-]+)/.exec(req.headers.cookie ?? '')?.[1] ?? '';
    try {
      if (url.pathname === '/login') {
        const id = randomBytes(16).toString('base64url');
        const verifier = client.randomPKCECodeVerifier();
        const state = client.randomState();
        pending.set(id, { verifier, state });
        const to = client.buildAuthorizationUrl(config, {
          redirect_uri: redirectUri,
          scope: 'openid profile credits:read',
          code_challenge: await client.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
          state,
        });
        res
          .writeHead(302, { location: to.href, 'set-cookie': `sid=${id}; HttpOnly; SameSite=Lax; Path=/` })
          .end();
        return;
      }
      if (url.pathname === '/callback') {
        const flow = pending.get(sid);
        if (!flow) throw new Error('no sign-in in progress');
        pending.delete(sid);
        const tokens = await client.authorizationCodeGrant(config, url, {
          pkceCodeVerifier: flow.verifier,
          expectedState: flow.state,
        });
        const claims = tokens.claims();
        // The same access token works at CALOS's credits API (the person allowed credits:read).
        const balance = await client.fetchProtectedResource(
          config,
          tokens.access_token,
          new URL(`${options.issuer}/api/credits/balance`),
          'GET',
        );
        const { balance: credits } = (await balance.json()) as { balance: number };
        visitors.set(sid, {
          name: String(claims?.name ?? claims?.preferred_username ?? claims?.sub),
          balance: credits,
        });
        res.writeHead(302, { location: '/' }).end();
        return;
      }
      const visitor = visitors.get(sid);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        visitor
          ? `<h1>Hello, ${escapeHtml(visitor.name)}</h1><p>Your CALOS balance: <strong>${visitor.balance}</strong> credits.</p>`
          : '<h1>Partner app</h1><p><a href="/login">Sign in with CALOS</a></p>',
      );
    } catch (error) {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`Sign-in failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  await new Promise<void>((resolve) => server.listen(options.port, '127.0.0.1', resolve));
  return server;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.env.PORT ?? 4000);
  const { CALOS_ISSUER, CLIENT_ID, CLIENT_SECRET } = process.env;
  if (!CALOS_ISSUER || !CLIENT_ID || !CLIENT_SECRET) {
    console.error(
      'Set CALOS_ISSUER, CLIENT_ID and CLIENT_SECRET (register with: calos clients add --name "Partner" --redirect-uri http://127.0.0.1:4000/callback)',
    );
    process.exit(2);
  }
  const baseUrl = `http://127.0.0.1:${port}`;
  await startExampleApp({
    issuer: CALOS_ISSUER,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    baseUrl,
    port,
  });
  console.log(`Partner app at ${baseUrl}`);
}
