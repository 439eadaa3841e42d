// Ids: a malformed id is simply not found (lists page with keyset(), src/platform/http/pagination.ts).

import { isUuid } from '../../platform/ids.ts';

export { isUuid };
