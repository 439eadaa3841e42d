// NATS for tests (127.0.0.1:4222 with JetStream, or TEST_NATS_URL): each test deployment uses its
// own CALOS_NATS_PREFIX, and removes its stream when done.
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

export async function deleteNatsStream(url: string, prefix: string): Promise<void> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(`${prefix.toUpperCase()}_EVENTS`).catch(() => undefined);
  } finally {
    await nc.close();
  }
}

/** A test deployment's stream: how many events it holds and its durable consumers. */
export async function natsStreamState(
  url: string,
  prefix: string,
): Promise<{ messages: number; consumers: string[] }> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    const stream = `${prefix.toUpperCase()}_EVENTS`;
    const info = await jsm.streams.info(stream);
    const consumers: string[] = [];
    for await (const consumer of jsm.consumers.list(stream)) consumers.push(consumer.name);
    return { messages: info.state.messages, consumers: consumers.sort() };
  } finally {
    await nc.close();
  }
}
