// Events across machines on NATS JetStream (with CALOS_NATS_URL). Each service's outbox stays
// the source of truth: a relay in the owning service publishes its events, in order, to one
// stream (subject `<prefix>.events.<service>.<topic>`, message id `<service>-<event id>`, so a
// relay that publishes an event twice stores it once). Consumers read them through durable pull
// consumers, one per consuming service: at least once, acknowledged after their idempotent
// handler ran, replayed from where they stopped after downtime. Without NATS, consumers read
// the outbox directly (in one process) or over the owning service's client.
import {
  AckPolicy,
  DeliverPolicy,
  type JetStreamClient,
  type JsMsg,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Database } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import type { OutboxSource } from '../outbox-consumer.ts';

export interface BusEvent {
  eventId: number;
  topic: string;
  payload: Record<string, unknown>;
  createdAt: Date;
}

export interface EventBus {
  /** Publishes a service's outbox to the bus until stopped (run by the service that owns it). */
  relay(options: RelayOptions): { start(): void; stop(): Promise<void> };
  /** The events of `service`, read through the bus: an OutboxSource for createOutboxConsumer. */
  source(service: string): OutboxSource<BusEvent>;
  close(): Promise<void>;
}

export interface RelayOptions {
  /** The owning service, as subjects name it (identity, hollowtown). */
  service: string;
  /** The outbox: events after the relay's cursor, and moving it on. */
  outbox: OutboxSource<BusEvent>;
  /** The outbox's database and NOTIFY channel: a commit wakes the relay at once. */
  db: Database;
  channel: string;
  logger: Logger;
}

/** The relay's cursor name in the outbox (one relay per outbox, shared by its processes). */
export const RELAY_CONSUMER = 'nats-relay';
const BATCH = 100;
const IDLE_MS = 1_000;
/** How long a consumer's delivered message waits for its ack before JetStream sends it again. */
const ACK_WAIT_NS = 30_000_000_000;

export async function openNatsBus(options: {
  url: string;
  prefix: string;
  logger: Logger;
}): Promise<EventBus> {
  const { prefix, logger } = options;
  const nc: NatsConnection = await connect({ servers: options.url, name: `calos-${process.pid}` });
  const js: JetStreamClient = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  const stream = `${prefix.toUpperCase().replace(/[^A-Z0-9_-]/g, '_')}_EVENTS`;
  const subjects = [`${prefix}.events.>`];
  try {
    await jsm.streams.info(stream);
  } catch {
    await jsm.streams.add({ name: stream, subjects, duplicate_window: 10 * 60_000_000_000 });
  }
  const subjectOf = (service: string, topic: string) =>
    `${prefix}.events.${service}.${topic.replace(/[^A-Za-z0-9_-]+/g, '_')}`;
  const ensuredConsumers = new Map<string, Promise<void>>();

  return {
    relay({ service, outbox, db, channel, logger: relayLogger }) {
      let stopped = true;
      let timer: NodeJS.Timeout | undefined;
      let running: Promise<void> | undefined;
      let unlisten: (() => Promise<void>) | undefined;
      const publishPending = async () => {
        for (;;) {
          const events = await outbox.pull(RELAY_CONSUMER, BATCH);
          for (const event of events) {
            await js.publish(
              subjectOf(service, event.topic),
              JSON.stringify({ ...event, createdAt: event.createdAt.toISOString() }),
              { msgID: `${service}-${event.eventId}` },
            );
            await outbox.ack(RELAY_CONSUMER, event.eventId);
          }
          if (events.length < BATCH) return;
        }
      };
      const run = () => {
        if (stopped) return;
        clearTimeout(timer);
        running ??= publishPending()
          .catch((error: unknown) =>
            relayLogger.warn({ err: error, service }, 'outbox relay to NATS failed; retrying'),
          )
          .finally(() => {
            running = undefined;
            if (!stopped) {
              timer = setTimeout(run, IDLE_MS);
              timer.unref();
            }
          });
      };
      return {
        start() {
          stopped = false;
          void db.listen(channel, run).then((off) => {
            unlisten = off;
          });
          run();
        },
        async stop() {
          stopped = true;
          clearTimeout(timer);
          await running;
          await unlisten?.();
        },
      };
    },

    source(service) {
      const unacked = new Map<number, JsMsg>();
      const consumerFor = async (name: string) => {
        const durable = `${name}-from-${service}`.replace(/[^A-Za-z0-9_-]/g, '_');
        let ensured = ensuredConsumers.get(durable);
        if (!ensured) {
          ensured = jsm.consumers
            .add(stream, {
              durable_name: durable,
              ack_policy: AckPolicy.Explicit,
              deliver_policy: DeliverPolicy.All,
              filter_subject: `${prefix}.events.${service}.>`,
              ack_wait: ACK_WAIT_NS,
              max_ack_pending: BATCH,
            })
            .then(() => undefined);
          ensuredConsumers.set(durable, ensured);
          ensured.catch(() => ensuredConsumers.delete(durable));
        }
        await ensured;
        return js.consumers.get(stream, durable);
      };
      return {
        async pull(consumer, limit) {
          // What was delivered but not acknowledged (its handler failed) comes again, first.
          for (const message of unacked.values()) message.nak();
          unacked.clear();
          const c = await consumerFor(consumer);
          const batch = await c.fetch({ max_messages: Math.min(limit, BATCH), expires: IDLE_MS });
          const events: BusEvent[] = [];
          for await (const message of batch) {
            const event = message.json<BusEvent & { createdAt: string }>();
            unacked.set(event.eventId, message);
            events.push({ ...event, createdAt: new Date(event.createdAt) });
          }
          return events.sort((a, b) => a.eventId - b.eventId);
        },
        // Every message of the last pull up to eventId (the consumer applies them in order and
        // acknowledges the last one it applied).
        async ack(_consumer, eventId) {
          const applied = [...unacked].filter(([id]) => id <= eventId);
          for (const [id] of applied) unacked.delete(id);
          await Promise.all(applied.map(([, message]) => message.ackAck()));
        },
      };
    },

    async close() {
      await nc
        .drain()
        .catch((error: unknown) => logger.warn({ err: error }, 'closing the NATS connection failed'));
    },
  };
}
