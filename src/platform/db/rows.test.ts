// Refine's rules are type rules: `npm run typecheck` checks the @ts-expect-error lines (each
// must be an error), vitest the one value.
import { describe, expect, it } from 'vitest';
import type { Refine } from './rows.ts';

interface Table {
  note: string | null;
  doc: object | string;
  kind: 'a' | 'b';
  count: number;
}

describe('Refine', () => {
  it('narrows columns within their type and nullability', () => {
    type Row = Refine<Table, { note: 'x' | null; doc: Record<string, number>; kind: 'a' }>;
    const row: Row = { note: null, doc: { n: 1 }, kind: 'a', count: 1 };
    expect(row.kind).toBe('a');
  });

  it('refuses what the schema does not allow', () => {
    // @ts-expect-error a nullable column refined as never null
    type LosesNull = Refine<Table, { note: string }>;
    // @ts-expect-error a NOT NULL column refined as nullable
    type GainsNull = Refine<Table, { count: number | null }>;
    // @ts-expect-error wider than the column's own union
    type Wider = Refine<Table, { kind: string }>;
    // @ts-expect-error a column the table does not have
    type Missing = Refine<Table, { gone: string }>;
    expect([] as LosesNull[] as GainsNull[] as Wider[] as Missing[]).toEqual([]);
  });
});
