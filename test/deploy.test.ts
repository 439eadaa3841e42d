// The deployment files (deploy/: Docker Compose, Kubernetes, the proxy's routes) stay in step
// with the settings: every CALOS process they describe starts from its environment (the real
// loadConfig reads it), the five services each run alone, each domain has its own database,
// the services can reach each other, and every setting they use is documented in README.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { loadConfig, SERVICE_NAMES } from '../src/platform/config.ts';
import { DATABASE_URL_VARIABLE } from '../src/platform/databases.ts';

type Env = Record<string, string>;
interface Process {
  where: string;
  service: string;
  args: string[];
  env: Env;
}

/** What `${VAR}` and `${VAR:-default}` stand for in a test: values of the right form. */
const SAMPLE: Env = {
  CALOS_SERVICE_TOKEN: 'a'.repeat(64),
  CALOS_MASTER_KEY: '0'.repeat(64),
  POSTGRES_PASSWORD: 'secret',
  CALOS_PAYMENTS_WEBHOOK_SECRET: 'whsec_0123456789abcdef',
};
const substitute = (value: string) =>
  value.replace(
    /\$\{([A-Z0-9_]+)(?::-([^}]*))?\}/g,
    (_m, name: string, fallback?: string) => SAMPLE[name] ?? fallback ?? '',
  );

const readme = readFileSync('README.md', 'utf8');
const PREFIXES: Record<string, string> = {
  identity: '/calos',
  ai: '/ai',
  hollowtown: '/hollowtown',
  recipes: '/recipes',
  family: '/family',
};

function composeProcesses(): Process[] {
  const compose = parseYaml(readFileSync('deploy/docker-compose.yml', 'utf8'), { merge: true }) as {
    services: Record<string, { command?: string[]; environment?: Record<string, string> }>;
  };
  return Object.entries(compose.services)
    .filter(([, s]) => s.command?.[0] === 'serve')
    .map(([name, s]) => ({
      where: `docker-compose ${name}`,
      service: s.command?.[1] as string,
      args: s.command as string[],
      env: Object.fromEntries(
        Object.entries(s.environment ?? {}).map(([k, v]) => [k, substitute(String(v))]),
      ),
    }));
}

function kubernetesProcesses(): Process[] {
  const config = parseYaml(readFileSync('deploy/kubernetes/config.yaml', 'utf8')) as { data: Env };
  const secrets = parseYaml(readFileSync('deploy/kubernetes/secrets.example.yaml', 'utf8')) as {
    stringData: Env;
  };
  const documents = parseAllDocuments(readFileSync('deploy/kubernetes/services.yaml', 'utf8')).map((d) =>
    d.toJS(),
  );
  return documents
    .filter((d) => d?.kind === 'Deployment')
    .map((d) => {
      const container = d.spec.template.spec.containers[0];
      const env: Env = { ...config.data };
      for (const entry of container.env ?? []) {
        const key = entry.valueFrom?.secretKeyRef?.key;
        expect(secrets.stringData[key], `${d.metadata.name} reads secret ${key}`).toBeDefined();
        env[entry.name] = key ? secrets.stringData[key] : entry.value;
      }
      return {
        where: `kubernetes ${d.metadata.name}`,
        service: container.args[1],
        args: container.args,
        env,
      };
    });
}

describe.each([
  ['Docker Compose', composeProcesses],
  ['Kubernetes', kubernetesProcesses],
] as const)('the %s deployment', (_name, processes) => {
  it('runs each of the five services alone, and each starts from its settings', () => {
    const all = processes();
    expect(all.map((p) => p.service).sort()).toEqual([...SERVICE_NAMES].sort());
    for (const process of all) {
      expect(process.args.slice(0, 2), process.where).toEqual(['serve', process.service]);
      // The real configuration reader: a wrong or missing setting throws here.
      const config = loadConfig(process.env, '/app');
      expect(config.nodeEnv, process.where).toBe('production');
      expect(config.serviceToken, `${process.where} has CALOS_SERVICE_TOKEN`).toBeDefined();
      expect(config.natsUrl, `${process.where} uses NATS`).toBeDefined();
      if (process.service !== 'identity') expect(config.identityUrl, process.where).toBeDefined();
    }
  });

  it('gives each domain its own database, on a server of its own, migrated by its own service', () => {
    const hosts = new Set<string>();
    for (const process of processes()) {
      const own = Object.entries(DATABASE_URL_VARIABLE).filter(([, variable]) => process.env[variable]);
      if (process.service === 'ai') {
        expect(own, process.where).toEqual([]);
        expect(process.env.REDIS_URL, `${process.where}: the gateway's limits are shared`).toBeDefined();
        continue;
      }
      expect(
        own.map(([database]) => database),
        process.where,
      ).toEqual([process.service]);
      expect(process.args, process.where).toContain('--migrate');
      hosts.add(new URL(process.env[own[0]?.[1] as string] as string).host);
    }
    expect(hosts.size).toBe(4);
  });

  it('uses only settings that README documents', () => {
    const used = new Set(processes().flatMap((p) => Object.keys(p.env)));
    const undocumented = [...used].filter((name) => !readme.includes(`\`${name}\``));
    expect(undocumented).toEqual([]);
  });
});

describe('the routes in front of the services', () => {
  it('send every prefix to the service that owns it, in the Caddyfile and the ingress alike', () => {
    const caddy = readFileSync('deploy/Caddyfile', 'utf8');
    const ingress = parseAllDocuments(readFileSync('deploy/kubernetes/ingress.yaml', 'utf8'))
      .map((d) => d.toJS())
      .find((d) => d.kind === 'Ingress');
    const paths = new Map<string, string>(
      ingress.spec.rules[0].http.paths.map((p: { path: string; backend: { service: { name: string } } }) => [
        p.path,
        p.backend.service.name,
      ]),
    );
    for (const [service, prefix] of Object.entries(PREFIXES)) {
      expect(caddy, `Caddyfile routes ${prefix}`).toMatch(
        new RegExp(`handle ${prefix}\\*\\s*\\{\\s*reverse_proxy ${service}:3000`),
      );
      expect(paths.get(prefix), `ingress routes ${prefix}`).toBe(`calos-${service}`);
    }
    expect(paths.get('/account')).toBe('calos-identity');
  });

  it('are described in docs/deploying.md', () => {
    const doc = readFileSync('docs/deploying.md', 'utf8');
    for (const file of [
      'deploy/docker-compose.yml',
      'deploy/Caddyfile',
      'deploy/kubernetes/',
      'deploy/Dockerfile',
    ])
      expect(doc, file).toContain(file);
  });
});
