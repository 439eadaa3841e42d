// Ids as every service writes them: UUIDs. A path or body id that is not one names nothing, so
// services answer 404 for it before it reaches SQL (where it would be a cast error, a 500).
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);
