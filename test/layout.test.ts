// Rooms and doors (DESIGN.md): a service imports src/platform and other services' client.ts,
// nothing else of theirs; only the composition root and the CLI see every service.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SERVICES = ['identity', 'ai', 'hollowtown', 'recipes', 'family'];
/**
 * Whose door each service may use: only services below it. The apps use none of each other's;
 * the flows between them are src/cross-app's, through each app's links.ts.
 */
const BELOW: Record<string, string[]> = {
  identity: [],
  ai: ['identity'],
  hollowtown: ['identity', 'ai'],
  recipes: ['identity', 'ai'],
  family: ['identity', 'ai'],
};
const APPS = ['hollowtown', 'recipes', 'family'];
/** Small shared modules named for what they do (STYLE.md): any service may use them. */
const SHARED = ['ingredients', 'public-pages', 'community', 'affiliate'];
const ROOT = path.resolve('.');
const SRC = path.resolve('src');
const BENCH = path.resolve('bench');
/**
 * Services whose `new AppError(` calls still wait to move into their errors.ts. Remove an entry
 * once its errors have moved: the test fails while an entry has nothing left to move.
 */
const PENDING_ERRORS: string[] = [];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

const importsOf = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/g)].map(
    (m) => m[1] as string,
  );

/** `import('./x.ts').Name` in a type position. */
const typeImportsOf = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] as string);

/**
 * Micro-benchmarks time one stage of a service on its own (a serializer, a password hash, a
 * store call), so they import that stage: each such import is listed here, by name.
 */
const MEASURED_INTERNALS = [
  'bench/api/serializers.ts imports family/routes/schemas.ts',
  'bench/api/serializers.ts imports hollowtown/routes/recipes.ts',
  'bench/api/serializers.ts imports hollowtown/routes/schemas.ts',
  'bench/api/serializers.ts imports recipes/routes/schemas.ts',
  'bench/api/targets.ts imports family/service/todos.ts',
  'bench/api/targets.ts imports hollowtown/service/community.ts',
  'bench/api/targets.ts imports hollowtown/service/recipes.ts',
  'bench/api/targets.ts imports recipes/service/community.ts',
  'bench/api/targets.ts imports recipes/service/recipes.ts',
  'bench/auth.ts imports identity/service/passwords.ts',
  'bench/auth/argon2.ts imports identity/service/passwords.ts',
  'bench/gateway/stages.ts imports ai/limits/user-limits.ts',
  'bench/gateway/stages.ts imports identity/store/ai.ts',
  'bench/sql-builder.ts imports hollowtown/store/recipes.ts',
  'bench/sql-builder.ts imports hollowtown/store/tables.ts',
  'bench/sql-builder.ts imports identity/store/tables.ts',
  'bench/sql-builder.ts imports identity/store/users.ts',
];
/** The CLI's imports of internals that wait for their service to offer them at its door. */
const PENDING_DOORS: string[] = [];

describe('the source layout', () => {
  it('keeps each service behind its client: no service imports another service beyond client.ts', () => {
    const violations: string[] = [];
    for (const service of SERVICES) {
      const dir = path.join(SRC, service);
      for (const file of sourceFiles(dir)) {
        for (const specifier of importsOf(file)) {
          if (!specifier.startsWith('.')) continue;
          const target = path.relative(SRC, path.resolve(path.dirname(file), specifier));
          // Test helpers under test/support are shared by every test, not another service.
          if (target.startsWith('..')) continue;
          const [room, ...rest] = target.split(path.sep);
          if (!room || room === service || room === 'platform' || SHARED.includes(room)) continue;
          if (BELOW[service]?.includes(room) && rest.join('/') === 'client.ts') continue;
          violations.push(`${path.relative(SRC, file)} imports ${target}`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('keeps the flows between apps in src/cross-app, which uses their doors and entries only', () => {
    const violations: string[] = [];
    for (const file of sourceFiles(path.join(SRC, 'cross-app'))) {
      for (const specifier of importsOf(file)) {
        if (!specifier.startsWith('.')) continue;
        const [room, ...rest] = path
          .relative(SRC, path.resolve(path.dirname(file), specifier))
          .split(path.sep);
        if (!room || room === 'cross-app' || room === 'platform' || SHARED.includes(room)) continue;
        if (SERVICES.includes(room) && ['client.ts', 'links.ts', 'index.ts'].includes(rest.join('/')))
          continue;
        violations.push(`${path.relative(SRC, file)} imports ${room}/${rest.join('/')}`);
      }
    }
    // Only the composition root and the CLI compose the apps with their links.
    const users = sourceFiles(SRC)
      .filter((file) => !file.startsWith(path.join(SRC, 'cross-app')) && !file.endsWith('.test.ts'))
      .filter((file) =>
        importsOf(file).some(
          (s) =>
            s.startsWith('.') &&
            path.relative(SRC, path.resolve(path.dirname(file), s)).startsWith('cross-app'),
        ),
      )
      .map((file) => path.relative(SRC, file).split(path.sep).join('/'))
      .filter((file) => file !== 'main.ts' && !file.startsWith('cli/'));
    expect([...violations, ...users.map((file) => `${file} imports cross-app`)]).toEqual([]);
    // Each app says what it needs of the others in its own links.ts, from nothing of theirs.
    for (const app of APPS.filter((a) => existsSync(path.join(SRC, a, 'links.ts')))) {
      const links = path.join(SRC, app, 'links.ts');
      expect(readFileSync(links, 'utf8')).toContain('src/cross-app');
      expect(importsOf(links)).toEqual([]);
    }
  });

  it('keeps src/platform and the shared modules free of any service', () => {
    const violations = ['platform', ...SHARED]
      .flatMap((dir) => sourceFiles(path.join(SRC, dir)))
      .flatMap((file) =>
        importsOf(file)
          .filter((s) => s.startsWith('.'))
          .map((s) => path.relative(SRC, path.resolve(path.dirname(file), s)).split(path.sep)[0])
          .filter((room) => room && SERVICES.includes(room))
          .map((room) => `${path.relative(SRC, file)} imports ${room}`),
      );
    expect(violations).toEqual([]);
  });

  it('lets the CLI and the benchmarks reach a service only through its door or its entry', () => {
    const violations: string[] = [];
    const files = [...sourceFiles(path.join(SRC, 'cli')), ...sourceFiles(BENCH)].filter(
      (file) => !file.endsWith('.test.ts'),
    );
    for (const file of files) {
      for (const specifier of importsOf(file)) {
        if (!specifier.startsWith('.')) continue;
        const target = path.relative(SRC, path.resolve(path.dirname(file), specifier)).split(path.sep);
        const [room, ...rest] = target;
        if (!room || !SERVICES.includes(room) || ['client.ts', 'index.ts'].includes(rest.join('/'))) continue;
        violations.push(`${path.relative(ROOT, file).split(path.sep).join('/')} imports ${target.join('/')}`);
      }
    }
    const allowed = [...MEASURED_INTERNALS, ...PENDING_DOORS];
    expect(violations.filter((v) => !allowed.includes(v))).toEqual([]);
    // A listed exception that no longer happens must go, so the lists cannot hide new ones.
    expect(allowed.filter((v) => !violations.includes(v))).toEqual([]);
  });

  it('keeps doors to the contract: no client.ts takes anything from a store, a service or a route', () => {
    const leaks = SERVICES.map((service) => path.join(SRC, service, 'client.ts')).flatMap((door) =>
      [...importsOf(door), ...typeImportsOf(door)]
        .filter((specifier) => /(^|\/)(store|service|routes)(\/|\.ts$)/.test(specifier))
        .map((specifier) => `${path.relative(SRC, door)} takes ${specifier}`),
    );
    expect(leaks).toEqual([]);
  });

  it('constructs AppErrors only in errors.ts files, so every code is listed where clients look for it', () => {
    const sites = [...sourceFiles(SRC), ...sourceFiles(BENCH)]
      .filter((file) => !file.endsWith('.test.ts') && path.basename(file) !== 'errors.ts')
      .filter((file) => readFileSync(file, 'utf8').includes('new AppError('))
      .map((file) => path.relative(ROOT, file).split(path.sep).join('/'));
    const pending = (site: string) => PENDING_ERRORS.some((dir) => site.startsWith(`${dir}/`));
    expect(sites.filter((site) => !pending(site))).toEqual([]);
    // An entry whose errors have all moved must go, or the list would hide new offenders there.
    expect(PENDING_ERRORS.filter((dir) => !sites.some((site) => site.startsWith(`${dir}/`)))).toEqual([]);
  });

  it('runs SQL only in stores, the migrator and the database engines', () => {
    const allowed = /(^|\/)(store\.ts|store\/|platform\/db\/|platform\/migrations\/|cli\/access\.ts)/;
    const offenders = sourceFiles(SRC)
      .filter((file) => !file.endsWith('.test.ts'))
      .filter((file) => !allowed.test(path.relative(SRC, file)))
      .filter((file) =>
        /\.query(<[^>]*>)?\(\s*[`'"](SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP)\b/i.test(
          readFileSync(file, 'utf8'),
        ),
      )
      .map((file) => path.relative(SRC, file));
    expect(offenders).toEqual([]);
  });
});
