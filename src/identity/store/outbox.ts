// The identity outbox in calos_identity: user.deleted and other account events, which other
// services consume at least once, each with its own cursor (platform/db/outbox.ts).
import { createOutboxStore } from '../../platform/db/outbox.ts';

const outbox = createOutboxStore('identity');

export const OUTBOX_CHANNEL = outbox.channel;
export const { enqueue: enqueueEvent, pull: pullEvents, ack: ackEvent, prune: pruneConsumedEvents } = outbox;
