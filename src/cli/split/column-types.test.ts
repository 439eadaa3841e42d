import { describe, expect, it } from 'vitest';
import { convertColumn } from './column-types.ts';

describe('moving a monolith column into a target column', () => {
  it('copies the same type as it is', () => {
    expect(convertColumn('"tags"', 'text[]', 'text[]', 'UTC')).toEqual({ ok: true, expression: '"tags"' });
  });

  it('reads TIMESTAMP as an instant in the mapping time zone', () => {
    expect(
      convertColumn(
        '"created_at"',
        'timestamp without time zone',
        'timestamp with time zone',
        'Europe/Berlin',
      ),
    ).toEqual({
      ok: true,
      expression: `("created_at" AT TIME ZONE 'Europe/Berlin')`,
    });
  });

  it.each([
    ['integer', 'bigint'],
    ['smallint', 'numeric'],
    ['integer', 'numeric(12,2)'],
    ['numeric(3,2)', 'numeric(5,2)'],
    ['numeric(3,2)', 'numeric'],
    ['character varying(40)', 'text'],
    ['character varying(40)', 'character varying(100)'],
    ['json', 'jsonb'],
    ['real', 'double precision'],
    ['character varying(40)[]', 'text[]'],
  ])('widens %s to %s with a cast', (from, to) => {
    expect(convertColumn('"c"', from, to, 'UTC')).toEqual({ ok: true, expression: `"c"::${to}` });
  });

  it.each([
    ['text', 'integer'],
    ['bigint', 'integer'],
    ['numeric', 'numeric(3,2)'],
    ['numeric(5,2)', 'numeric(3,2)'],
    ['character varying(100)', 'character varying(40)'],
    ['integer', 'numeric(5,2)'],
    ['text', 'uuid'],
    ['timestamp with time zone', 'timestamp without time zone'],
    ['text[]', 'text'],
    ['jsonb', 'json'],
  ])('refuses %s → %s as a mismatch', (from, to) => {
    expect(convertColumn('"c"', from, to, 'UTC')).toMatchObject({ ok: false });
  });
});
