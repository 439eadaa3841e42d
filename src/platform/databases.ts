// The four logical databases of CALOS and their default PostgreSQL names (DESIGN.md).

export const DATABASE_NAMES = ['identity', 'hollowtown', 'recipes', 'family'] as const;
export type DatabaseName = (typeof DATABASE_NAMES)[number];

export const DEFAULT_POSTGRES_DATABASE: Record<DatabaseName, string> = {
  identity: 'calos_identity',
  hollowtown: 'hollowtown_db',
  recipes: 'recipes_db',
  family: 'family_db',
};

/** The per-database URL variable that wins over CALOS_POSTGRES_URL. */
export const DATABASE_URL_VARIABLE: Record<DatabaseName, string> = {
  identity: 'IDENTITY_DATABASE_URL',
  hollowtown: 'HOLLOWTOWN_DATABASE_URL',
  recipes: 'RECIPES_DATABASE_URL',
  family: 'FAMILY_DATABASE_URL',
};

export const isDatabaseName = (value: string): value is DatabaseName =>
  (DATABASE_NAMES as readonly string[]).includes(value);
