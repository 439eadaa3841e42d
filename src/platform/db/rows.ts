// Naming a store's rows from the generated table types (`src/<service>/store/tables.ts`, made by
// `npm run types:db`): `Pick<Tables['users'], 'user_id' | 'email'>` for columns as the schema
// types them, and Refine for those a store knows more precisely than the schema can say.

/** What a refined column may be: within the column's own type, and null exactly when it may be null. */
type Refinement<Column, Refined> = [Refined] extends [Column]
  ? null extends Column
    ? null extends Refined
      ? Refined
      : never
    : Refined
  : never;

type Refinements<Row, Types> = {
  [K in keyof Types]: K extends keyof Row ? Refinement<Row[K], Types[K]> : never;
};

/**
 * A row with some columns typed more precisely: a jsonb column's shape, a text column's union.
 * Each refined type must fit the column's generated type and keep its nullability, so a migration
 * that makes a column nullable, or changes its type, fails the type check of every store that
 * refines it instead of being missed.
 */
export type Refine<Row, Types extends Refinements<Row, Types>> = Omit<Row, keyof Types> & Types;
