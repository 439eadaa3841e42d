// calos access grant: a login role for a contractor that can use one database and cannot
// connect to the others (the design document's "domain-specific access to contractors").
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Config } from '../platform/config.ts';
import { DATABASE_NAMES, type DatabaseName } from '../platform/databases.ts';
import { CliErrors } from './errors.ts';

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const RESERVED_ROLES = new Set(['postgres', 'public', 'pg_database_owner']);

export interface AccessGrant {
  role: string;
  password: string;
  database: string;
  connectionUrl: string;
  readOnly: boolean;
}

const sameServer = (a: string, b: string) => {
  const x = new URL(a);
  const y = new URL(b);
  return x.hostname === y.hostname && (x.port || '5432') === (y.port || '5432');
};

export async function grantAccess(
  config: Config,
  options: { database: DatabaseName; role: string; readOnly?: boolean },
): Promise<AccessGrant> {
  const target = config.databases[options.database];
  if (target.engine !== 'postgres') {
    throw CliErrors.accessNeedsPostgres(options.database);
  }
  if (!ROLE_NAME.test(options.role) || RESERVED_ROLES.has(options.role) || options.role.startsWith('pg_')) {
    throw CliErrors.roleNameRefused(options.role);
  }
  const password = randomBytes(24).toString('base64url');
  const role = pg.escapeIdentifier(options.role);
  const client = new pg.Client({ connectionString: target.url });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [options.role]);
    if (exists.rowCount) {
      throw CliErrors.roleExists(options.role);
    }
    await client.query('BEGIN');
    await client.query(`CREATE ROLE ${role} LOGIN PASSWORD ${client.escapeLiteral(password)}`);
    // Every database allows CONNECT to PUBLIC by default; take that away from the CALOS
    // databases on this server so the role reaches only the one it was granted. The
    // operator's own role keeps its access explicitly.
    const siblings = DATABASE_NAMES.map((name) => config.databases[name]).filter(
      (t) => t.engine === 'postgres' && sameServer(t.url, target.url),
    );
    for (const sibling of siblings) {
      if (sibling.engine !== 'postgres') continue;
      const database = pg.escapeIdentifier(sibling.database);
      await client.query(`GRANT CONNECT ON DATABASE ${database} TO CURRENT_USER`);
      await client.query(`REVOKE CONNECT ON DATABASE ${database} FROM PUBLIC`);
    }
    await client.query(`GRANT CONNECT ON DATABASE ${pg.escapeIdentifier(target.database)} TO ${role}`);
    await client.query(`GRANT USAGE ON SCHEMA public TO ${role}`);
    const tablePrivileges = options.readOnly ? 'SELECT' : 'SELECT, INSERT, UPDATE, DELETE';
    await client.query(`GRANT ${tablePrivileges} ON ALL TABLES IN SCHEMA public TO ${role}`);
    await client.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${role}`);
    await client.query(
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ${tablePrivileges} ON TABLES TO ${role}`,
    );
    // The migration record belongs to the runner alone.
    await client
      .query(`REVOKE INSERT, UPDATE, DELETE ON TABLE public.schema_migrations FROM ${role}`)
      .catch(() => undefined);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
  const url = new URL(target.url);
  url.username = options.role;
  url.password = password;
  return {
    role: options.role,
    password,
    database: target.database,
    connectionUrl: url.toString(),
    readOnly: options.readOnly ?? false,
  };
}

/** Removes a role created by grantAccess from one database's server. */
export async function revokeAccess(
  config: Config,
  options: { database: DatabaseName; role: string },
): Promise<void> {
  const target = config.databases[options.database];
  if (target.engine !== 'postgres') {
    throw CliErrors.revokeNeedsPostgres(options.database);
  }
  if (!ROLE_NAME.test(options.role)) throw CliErrors.roleNameInvalid(options.role);
  const client = new pg.Client({ connectionString: target.url });
  await client.connect();
  try {
    const role = pg.escapeIdentifier(options.role);
    const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [options.role]);
    if (!exists.rowCount) throw CliErrors.roleNotFound(options.role);
    await client.query(`DROP OWNED BY ${role}`);
    await client.query(`REVOKE CONNECT ON DATABASE ${pg.escapeIdentifier(target.database)} FROM ${role}`);
    await client.query(`DROP ROLE ${role}`);
  } finally {
    await client.end();
  }
}
