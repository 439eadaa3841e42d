// Hollowtown's outbox in hollowtown_db: recipe.updated / recipe.deleted for shared recipes, which
// other services consume at least once, each with its own cursor (platform/db/outbox.ts).
import { createOutboxStore } from '../../platform/db/outbox.ts';

const outbox = createOutboxStore('hollowtown');

export const OUTBOX_CHANNEL = outbox.channel;
export const { enqueue: enqueueEvent, pull: pullEvents, ack: ackEvent, prune: pruneConsumedEvents } = outbox;
