// Recipe sharing, the half that runs on: a copy shared from Hollowtown follows its original.
// Hollowtown writes recipe.updated / recipe.deleted into its own outbox with each edit of a shared
// recipe; this consumer, run in the process that serves HowToCookAtHome, reads them at least once
// (through NATS when configured, else Hollowtown's outbox in process or over its client, woken
// by its NOTIFY) and hands each to HowToCookAtHome as a change of an original, which applies it
// idempotently by version. Bound: an edit shows in the copy within 2 s while both run, usually
// within tens of milliseconds; when either database is briefly down the consumer retries with
// back-off (at most 30 s apart) from its cursor, and nothing is lost.
import {
  type HollowtownClient,
  type HollowtownOutboxEvent,
  RECIPE_DELETED,
  RECIPE_UPDATED,
} from '../hollowtown/client.ts';
import type { ServiceContext, ServiceDefinition } from '../platform/http/service.ts';
import { createOutboxConsumer, type OutboxConsumer } from '../platform/outbox-consumer.ts';
import type { SourceRecipeChange } from '../recipes/client.ts';
import type { RecipesInstanceClient } from '../recipes/index.ts';

/** HowToCookAtHome's client in this process, with the sync run now (tests, operators). */
export interface LinkedRecipesClient extends RecipesInstanceClient {
  /** Applies every pending Hollowtown event to shared copies now; resolves with how many were applied. */
  syncSharedRecipes(): Promise<number>;
}

/** Hollowtown's outbox event as a change of an original; null for a topic copies do not follow. */
export function toSourceChange(event: HollowtownOutboxEvent): SourceRecipeChange | null {
  const sourceRecipeId = event.payload.recipe_id;
  if (typeof sourceRecipeId !== 'string') return null;
  if (event.topic === RECIPE_DELETED) return { kind: 'deleted', domain: 'hollowtown', sourceRecipeId };
  if (event.topic !== RECIPE_UPDATED) return null;
  const version = event.payload.version;
  if (typeof version !== 'number') return null;
  return { kind: 'updated', domain: 'hollowtown', sourceRecipeId, version, recipe: event.payload.recipe };
}

function createRecipeSync(context: ServiceContext, recipes: RecipesInstanceClient) {
  const logger = context.logger.child({ flow: 'recipe-sync' });
  // Looked up when used: Hollowtown is built before HowToCookAtHome, or not served here at all.
  const hollowtown = () => context.clients.get<HollowtownClient>('hollowtown');
  let consumer: OutboxConsumer | undefined;
  let unlisten: (() => Promise<void>) | undefined;
  const get = () => {
    if (!consumer && (context.events || context.clients.has('hollowtown'))) {
      consumer = createOutboxConsumer<HollowtownOutboxEvent>({
        // The cursor's name in Hollowtown's outbox (kept from when HowToCookAtHome ran it).
        name: 'recipes',
        source: context.events?.source('hollowtown') ?? {
          pull: (name, limit) => hollowtown().outbox.pull(name, limit),
          ack: (name, eventId) => hollowtown().outbox.ack(name, eventId),
        },
        handle: async (event) => {
          const change = toSourceChange(event);
          if (change) await recipes.applySourceChange(change);
        },
        logger,
      });
    }
    return consumer;
  };
  return {
    drain: async () => (await get()?.drain()) ?? 0,
    async start() {
      const sync = get();
      if (!sync) {
        logger.warn('no Hollowtown client here: shared recipes do not follow their originals');
        return;
      }
      sync.start();
      if (!context.events) unlisten = await hollowtown().outbox.onEvents(() => sync.wake());
    },
    async stop() {
      await unlisten?.().catch(() => undefined);
      await consumer?.stop();
    },
  };
}

/** HowToCookAtHome with the sync of shared copies started and stopped beside it. */
export function withRecipeSync(
  definition: ServiceDefinition<RecipesInstanceClient>,
): ServiceDefinition<LinkedRecipesClient> {
  return {
    ...definition,
    async create(context) {
      const instance = await definition.create(context);
      const base = instance.client;
      if (!base) throw new Error('HowToCookAtHome was built without its client');
      const sync = createRecipeSync(context, base);
      return {
        ...instance,
        client: { ...base, syncSharedRecipes: () => sync.drain() },
        async start() {
          await instance.start?.();
          await sync.start();
        },
        async stop() {
          await sync.stop();
          await instance.stop?.();
        },
      };
    },
  };
}
