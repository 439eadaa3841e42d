import { describe, expect, it } from 'vitest';
import type { DatabaseName } from '../../platform/databases.ts';
import { parseMapping } from './mapping.ts';
import { planSplit } from './plan.ts';
import type { Catalog, CatalogColumn, CatalogTable } from './store/catalog.ts';

const column = (name: string, type: string, extra: Partial<CatalogColumn> = {}): CatalogColumn => ({
  name,
  type,
  notNull: false,
  defaultExpr: null,
  generated: false,
  readable: true,
  ...extra,
});

const table = (name: string, columns: CatalogColumn[], extra: Partial<CatalogTable> = {}): CatalogTable => ({
  name,
  columns,
  primaryKey: [columns[0]?.name ?? 'id'],
  constraints: [],
  uniqueIndexes: [],
  ...extra,
});

const catalog = (...tables: CatalogTable[]): Catalog => new Map(tables.map((t) => [t.name, t]));
const empty = (): Catalog => new Map();
const targets = (identity: Catalog, family: Catalog = empty()): Record<DatabaseName, Catalog> => ({
  identity,
  hollowtown: empty(),
  recipes: empty(),
  family,
});

describe('planning a split', () => {
  const monolith = catalog(
    table('users', [column('user_id', 'uuid'), column('login', 'text'), column('legacy_flag', 'boolean')]),
    table('forum_posts', [column('post_id', 'bigint')]),
  );
  const identity = catalog(
    table('users', [
      column('user_id', 'uuid', { notNull: true }),
      column('username', 'text', { notNull: true }),
      column('created_at', 'timestamp with time zone', { notNull: true, defaultExpr: 'now()' }),
    ]),
  );

  it('renames, leaves columns behind only when told, and reports tables nobody named', () => {
    const mapping = parseMapping(
      { tables: { users: { database: 'identity', columns: { login: 'username' }, drop: ['legacy_flag'] } } },
      'test',
    );
    const plan = planSplit(mapping, monolith, targets(identity), { allowDroppedColumns: false });
    expect(plan.problems).toEqual([]);
    const [users] = plan.tables;
    expect(users?.columns.map((c) => [c.source, c.target])).toEqual([
      ['user_id', 'user_id'],
      ['login', 'username'],
    ]);
    expect(users?.dropped).toEqual([{ column: 'legacy_flag', type: 'boolean', why: 'mapping' }]);
    expect(users?.defaulted).toEqual(['created_at']);
    expect(plan.leftBehind).toEqual([{ table: 'forum_posts', reason: 'not in the mapping' }]);
  });

  it('lists every reason it cannot run: a lost column, a missing NOT NULL value, a missing table', () => {
    const mapping = parseMapping(
      { tables: { users: { database: 'identity' }, forum_posts: { database: 'family' } } },
      'test',
    );
    const plan = planSplit(mapping, monolith, targets(identity), { allowDroppedColumns: false });
    expect(plan.problems).toEqual([
      expect.stringContaining('column "login" (text) has no column "login" in the target'),
      expect.stringContaining('column "legacy_flag" (boolean) has no column "legacy_flag"'),
      expect.stringContaining('target column "username" is NOT NULL without a default'),
      expect.stringContaining('the family database has no table "forum_posts"'),
    ]);
  });

  it('copies a referenced table first and refuses a reference to a table the mapping does not fill', () => {
    const family = catalog(
      table('families', [column('family_id', 'uuid')]),
      table('family_members', [column('member_id', 'uuid'), column('family_id', 'uuid')], {
        constraints: [
          {
            name: 'family_members_family_id_fkey',
            type: 'f',
            columns: ['family_id'],
            checkExpr: null,
            refTable: 'families',
            refColumns: ['family_id'],
          },
        ],
      }),
    );
    const source = catalog(
      table('families', [column('family_id', 'uuid')]),
      table('family_members', [column('member_id', 'uuid'), column('family_id', 'uuid')]),
    );
    const both = parseMapping(
      { tables: { families: { database: 'family' }, family_members: { database: 'family' } } },
      'test',
    );
    const plan = planSplit(both, source, targets(empty(), family), { allowDroppedColumns: false });
    expect(plan.problems).toEqual([]);
    const members = plan.tables.find((t) => t.target === 'family_members');
    expect(members?.parents).toEqual(['families']);
    // The monolith has no such key: its rows are checked before anything is written.
    expect(members?.checks).toContainEqual(
      expect.objectContaining({
        kind: 'foreign-key',
        parentSource: 'families',
        parentColumns: ['family_id'],
      }),
    );

    const onlyMembers = parseMapping({ tables: { family_members: { database: 'family' } } }, 'test');
    const refused = planSplit(onlyMembers, source, targets(empty(), family), { allowDroppedColumns: false });
    expect(refused.problems).toEqual([expect.stringContaining('references family.families')]);
  });
});
