// Ids, and the marketplace's cursor check: a malformed id is simply not found; cursors are checked
// before they reach SQL. Every other list pages with keyset() (src/platform/http/pagination.ts).

import type { KeysetPosition } from '../../platform/db/sql.ts';
import { isUuid } from '../../platform/ids.ts';

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

export const isCreatedCursor = (value: unknown): value is KeysetPosition => {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  return typeof c.at === 'string' && TIMESTAMP.test(c.at) && typeof c.id === 'string' && isUuid(c.id);
};

export { isUuid };
