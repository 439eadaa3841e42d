// A `calos` command run inside the server that holds the embedded databases: the command line
// arrives with the secret from the data dir's lock file (mode 0600, as `calos doctor` uses it),
// runs on the server's own connections and settings, and its output streams back as NDJSON lines
// ({"out": text}, {"err": text}, then {"exit": code}). Without the secret the path is 404.
import { PassThrough } from 'node:stream';
import { Type } from 'typebox';
import type { Config } from '../../platform/config.ts';
import { safeEqual } from '../../platform/crypto/tokens.ts';
import type { DBPoolManager } from '../../platform/db/pool-manager.ts';
import { PlatformErrors } from '../../platform/errors.ts';
import type { App } from '../../platform/http/service.ts';
import { DOCTOR_TOKEN_HEADER } from '../doctor.ts';
import { withCliContext } from '../output.ts';
import { CLI_PATH, refusalInServer } from './commands.ts';

export interface CliEndpointOptions {
  config: Config;
  databases: DBPoolManager;
  token: string;
}

const line = (value: object) => `${JSON.stringify(value)}\n`;

export function registerCliEndpoint(app: App, options: CliEndpointOptions): void {
  app.post(
    CLI_PATH,
    {
      schema: {
        hide: true,
        body: Type.Object(
          { argv: Type.Array(Type.String({ maxLength: 4096 }), { minItems: 1, maxItems: 64 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const given = request.headers[DOCTOR_TOKEN_HEADER];
      if (typeof given !== 'string' || !safeEqual(given, options.token))
        throw PlatformErrors.routeNotFound(request.method, request.url);
      const { argv } = request.body;
      const output = new PassThrough();
      reply.header('content-type', 'application/x-ndjson').header('cache-control', 'no-store');
      const refusal = refusalInServer(argv);
      if (refusal) {
        output.end(
          line({ err: `calos: ${refusal} (the embedded databases are open in pid ${process.pid})\n` }) +
            line({ exit: 1 }),
        );
        return reply.send(output);
      }
      const { main } = await import('../main.ts');
      const run = withCliContext(
        {
          env: process.env,
          out: { write: (text: string) => output.write(line({ out: String(text) })) },
          err: { write: (text: string) => output.write(line({ err: String(text) })) },
          host: { config: options.config, databases: options.databases },
        },
        () => main(argv),
      );
      void run.then(
        (code) => output.end(line({ exit: code })),
        (error: unknown) => output.end(line({ err: `calos: ${String(error)}\n` }) + line({ exit: 1 })),
      );
      return reply.send(output);
    },
  );
}
