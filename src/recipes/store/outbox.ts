// HowToCookAtHome's outbox in recipes_db: vote.changed and moderation.decided (src/community),
// handed to identity at least once by the community consumer (platform/db/outbox.ts).
import { createOutboxStore } from '../../platform/db/outbox.ts';

const outbox = createOutboxStore('recipes');

export const OUTBOX_CHANNEL = outbox.channel;
export const { enqueue: enqueueEvent, pull: pullEvents, ack: ackEvent, prune: pruneConsumedEvents } = outbox;
