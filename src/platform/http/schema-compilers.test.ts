import { describe, expect, it } from 'vitest';
import { compileSerializer, nullableForSerializer } from './schema-compilers.ts';

describe('nullableForSerializer', () => {
  it('writes a nullable field as its type with nullable, at any depth, without touching the schema', () => {
    const schema = {
      type: 'object',
      properties: {
        at: { anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }], description: 'When' },
        rows: { type: 'array', items: { anyOf: [{ type: 'null' }, { type: 'integer' }] } },
      },
    };
    const copy = structuredClone(schema);
    expect(nullableForSerializer(schema)).toEqual({
      type: 'object',
      properties: {
        at: { type: 'string', format: 'date-time', description: 'When', nullable: true },
        rows: { type: 'array', items: { type: 'integer', nullable: true } },
      },
    });
    expect(schema).toEqual(copy);
  });

  it('leaves choices it cannot write so: several types, references, nested choices, constants', () => {
    for (const anyOf of [
      [{ type: 'string' }, { type: 'integer' }, { type: 'null' }],
      [{ $ref: '#/definitions/x' }, { type: 'null' }],
      [{ type: 'string', anyOf: [{ minLength: 1 }] }, { type: 'null' }],
      [{ type: 'string', const: 'a' }, { type: 'null' }],
      [{ type: 'string' }, { type: 'null', minimum: 1 }],
      [{ type: 'string' }, { type: 'boolean' }],
    ])
      expect(nullableForSerializer({ anyOf })).toEqual({ anyOf });
  });

  it('serialises null, a Date and a string of a nullable timestamp as fast-json-stringify does', () => {
    const serialize = compileSerializer({
      schema: {
        type: 'object',
        properties: { at: { anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }] } },
      },
    });
    expect(serialize({ at: null })).toBe('{"at":null}');
    expect(serialize({ at: new Date('2026-10-31T18:00:00.000Z') })).toBe('{"at":"2026-10-31T18:00:00.000Z"}');
    expect(serialize({ at: '2026-10-31' })).toBe('{"at":"2026-10-31"}');
  });
});
