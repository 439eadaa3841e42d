// bench:api --profile: what serialising one page costs on its own, in this process, with the
// serialiser Fastify compiles from the route's response schema (fast-json-stringify, the way
// @fastify/fast-json-stringify-compiler calls it) and with JSON.stringify, which the baseline uses.
// Both include Buffer.byteLength of the result, as Fastify computes it before writing.
import { isDeepStrictEqual } from 'node:util';
import fastJsonStringify, { type Schema } from 'fast-json-stringify';
import { PageOf as FamilyPage, TodoItem } from '../../src/family/routes/schemas.ts';
import { Recipe as SpookyRecipe } from '../../src/hollowtown/routes/recipes.ts';
import { Page as SpookyPage } from '../../src/hollowtown/routes/schemas.ts';
import { Recipe, Page as RecipesPage } from '../../src/recipes/routes/schemas.ts';
import { summarize } from '../support/stats.ts';
import type { AppName } from './targets.ts';

/** The 200 response schema of each benchmarked route, built as the route builds it. */
const RESPONSE_SCHEMA: Record<AppName, () => unknown> = {
  hollowtown: () => SpookyPage(SpookyRecipe, 'One page of recipes'),
  recipes: () => RecipesPage(Recipe, 'One page of recipes'),
  family: () => FamilyPage(TodoItem, 'One page of items'),
};

const ROUNDS = 7;
const CALLS = 1000;

/** Median over rounds of the mean µs per call. */
function microsPerCall(work: () => string): number {
  for (let n = 0; n < CALLS; n++) Buffer.byteLength(work());
  const rounds: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    for (let n = 0; n < CALLS; n++) Buffer.byteLength(work());
    rounds.push(((performance.now() - started) / CALLS) * 1000);
  }
  return summarize(rounds).median;
}

export interface SerializerTiming {
  schemaMicros: number;
  stringifyMicros: number;
  /** Whether both produce the same JSON (after parsing). */
  same: boolean;
}

export function timeSerializers(app: AppName, page: unknown): SerializerTiming {
  const serialize = fastJsonStringify(RESPONSE_SCHEMA[app]() as Schema, { schema: {} });
  // Keys come in the schema's order from one and in the object's from the other: compare values.
  const same = isDeepStrictEqual(JSON.parse(serialize(page)), JSON.parse(JSON.stringify(page)));
  // Alternate, so that drift in the machine's load hits both alike.
  const schema: number[] = [];
  const stringify: number[] = [];
  for (let n = 0; n < 2; n++) {
    schema.push(microsPerCall(() => serialize(page)));
    stringify.push(microsPerCall(() => JSON.stringify(page)));
  }
  return { schemaMicros: Math.min(...schema), stringifyMicros: Math.min(...stringify), same };
}
