// `calos doctor` beside a running server on the embedded databases: PGlite lets one process open
// them, so the server runs the checks on its own connections. Only a caller that can read the
// data dir's lock file (mode 0600) knows the secret the endpoint wants; anyone else gets 404.
import { Type } from 'typebox';
import type { Config } from '../../platform/config.ts';
import { safeEqual } from '../../platform/crypto/tokens.ts';
import { DATABASE_NAMES } from '../../platform/databases.ts';
import type { DBPoolManager } from '../../platform/db/pool-manager.ts';
import { PlatformErrors } from '../../platform/errors.ts';
import type { App, ClientRegistry } from '../../platform/http/service.ts';
import {
  DOCTOR_PATH,
  DOCTOR_TOKEN_HEADER,
  type DoctorFinding,
  describeTarget,
  migrationFinding,
  referenceFindings,
} from '../doctor.ts';

export interface DoctorEndpointOptions {
  config: Config;
  databases: DBPoolManager;
  clients: ClientRegistry;
  token: string;
  migrationsDir?: string;
}

export function registerDoctorEndpoint(app: App, options: DoctorEndpointOptions): void {
  const { config, databases, clients, token } = options;
  app.post(
    DOCTOR_PATH,
    {
      schema: {
        hide: true,
        body: Type.Object({ fix: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
      },
    },
    async (request) => {
      const given = request.headers[DOCTOR_TOKEN_HEADER];
      if (typeof given !== 'string' || !safeEqual(given, token))
        throw PlatformErrors.routeNotFound(request.method, request.url);
      const findings: DoctorFinding[] = [];
      for (const name of DATABASE_NAMES) {
        const where = describeTarget(config.databases[name]);
        if (!databases.names.includes(name)) {
          findings.push({
            check: name,
            ok: false,
            detail: `${where}: not checked, the running server (pid ${process.pid}) does not serve it`,
          });
          continue;
        }
        try {
          findings.push(await migrationFinding(databases.get(name), name, where, options.migrationsDir));
        } catch (error) {
          findings.push({ check: name, ok: false, detail: `${where}: ${(error as Error).message}` });
        }
      }
      const canCheckReferences = (['identity', 'hollowtown', 'recipes', 'family'] as const).every((s) =>
        clients.has(s),
      );
      if (!canCheckReferences || findings.some((f) => !f.ok)) {
        findings.push({
          check: 'orphans',
          ok: true,
          detail: 'skipped until every database is served here, reachable and migrated',
        });
      } else {
        findings.push(...(await referenceFindings(clients, request.body.fix ?? false)));
      }
      return { findings };
    },
  );
}
