// A push service stand-in (RFC 8030 with VAPID, RFC 8292, and aes128gcm payloads, RFC 8291), as
// Mozilla's autopush or FCM's Web Push endpoint answers an application server. It hands out
// subscriptions like a browser would (an endpoint here, and the browser's P-256 key and auth
// secret, generated with node:crypto), and for each message POSTed to an endpoint it checks the
// VAPID token (an ES256 JWT whose audience is this service's origin, verified with jose against
// the k= key) and decrypts the payload with the subscription's private key (http_ece, written by
// the RFC's author). Listens on 127.0.0.1.
import { createECDH, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decrypt } from 'http_ece';
import { importJWK, type JWTPayload, jwtVerify } from 'jose';

export interface PushStandInSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface ReceivedPush {
  subscription: string;
  /** What the application server sent, decrypted and parsed. */
  payload: unknown;
  ttl: string | undefined;
  urgency: string | undefined;
  claims: JWTPayload;
  /** The VAPID public key (k=), base64url. */
  vapidKey: string;
  status: number;
}

export interface RefusedPush {
  subscription: string;
  status: number;
  reason: string;
}

export interface PushStandIn {
  url: string;
  /** A new browser subscription (what PushSubscription.toJSON() gives). */
  subscribe(): PushStandInSubscription;
  /** Answer every later message to this endpoint with `status` (e.g. 410 once the browser unsubscribed). */
  answer(endpoint: string, status: number): void;
  received: ReceivedPush[];
  refused: RefusedPush[];
  /** Every request, with the status it got. */
  attempts: { subscription: string; status: number }[];
  close(): Promise<void>;
}

const MAX_BODY = 8 * 1024;

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('payload too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function startPushStandIn(): Promise<PushStandIn> {
  const browsers = new Map<string, { ecdh: ReturnType<typeof createECDH>; auth: Buffer; status: number }>();
  const received: ReceivedPush[] = [];
  const refused: RefusedPush[] = [];
  const attempts: { subscription: string; status: number }[] = [];
  let origin = '';

  const server = createServer((request, reply) => {
    const id = /^\/push\/([0-9a-f-]{36})$/.exec(request.url ?? '')?.[1] ?? '';
    const refuse = (status: number, reason: string) => {
      refused.push({ subscription: id, status, reason });
      attempts.push({ subscription: id, status });
      reply.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ reason }));
    };
    (async () => {
      const body = await readBody(request);
      if (request.method !== 'POST') return refuse(405, 'POST only');
      const browser = browsers.get(id);
      if (!browser) return refuse(404, 'no such subscription');
      const authorization = request.headers.authorization ?? '';
      const vapid = /^vapid t=([\w.-]+),\s*k=([\w-]+)$/.exec(authorization);
      if (!vapid) return refuse(401, 'Authorization must be vapid t=…, k=…');
      const [, token = '', k = ''] = vapid;
      const point = Buffer.from(k, 'base64url');
      if (point.length !== 65 || point[0] !== 4) return refuse(401, 'k is not an uncompressed P-256 key');
      const key = await importJWK(
        {
          kty: 'EC',
          crv: 'P-256',
          x: point.subarray(1, 33).toString('base64url'),
          y: point.subarray(33).toString('base64url'),
        },
        'ES256',
      );
      let claims: JWTPayload;
      try {
        ({ payload: claims } = await jwtVerify(token, key, { audience: origin, algorithms: ['ES256'] }));
      } catch (error) {
        return refuse(403, `VAPID token refused: ${(error as Error).message}`);
      }
      if (typeof claims.sub !== 'string' || !/^(mailto:|https:)/.test(claims.sub))
        return refuse(403, 'sub must be a mailto: or https: contact');
      if (request.headers['content-encoding'] !== 'aes128gcm') return refuse(415, 'aes128gcm only');
      if (request.headers.ttl === undefined) return refuse(400, 'TTL header missing');
      let payload: unknown;
      try {
        const plain = decrypt(body, {
          version: 'aes128gcm',
          privateKey: browser.ecdh,
          authSecret: browser.auth,
        });
        payload = JSON.parse(plain.toString('utf8'));
      } catch (error) {
        return refuse(400, `payload not decrypted: ${(error as Error).message}`);
      }
      const status = browser.status;
      attempts.push({ subscription: id, status });
      if (status === 201) {
        received.push({
          subscription: id,
          payload,
          ttl: request.headers.ttl as string | undefined,
          urgency: request.headers.urgency as string | undefined,
          claims,
          vapidKey: k,
          status,
        });
        reply.writeHead(201, { location: `${origin}/message/${randomUUID()}` }).end();
      } else {
        reply
          .writeHead(status, { 'content-type': 'application/json' })
          .end(JSON.stringify({ errno: status }));
      }
    })().catch((error: unknown) => {
      if (!reply.headersSent) refuse(500, (error as Error).message);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: origin,
    subscribe() {
      const id = randomUUID();
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const auth = randomBytes(16);
      browsers.set(id, { ecdh, auth, status: 201 });
      return {
        endpoint: `${origin}/push/${id}`,
        keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') },
      };
    },
    answer(endpoint, status) {
      const browser = browsers.get(endpoint.slice(endpoint.lastIndexOf('/') + 1));
      if (!browser) throw new Error(`not an endpoint of this stand-in: ${endpoint}`);
      browser.status = status;
    },
    received,
    refused,
    attempts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
