// Integrity across databases for `calos doctor`: references that point at nothing (there are no
// foreign keys between databases), found through each service's client, and the documented
// policy that `--fix` applies:
// - a user id that identity does not know: what user.deleted would have done (each service's own
//   idempotent handler: Hollowtown deletes, HowToCookAtHome deletes or anonymises, Family
//   Planner removes memberships and anonymises), as if the event had been delivered;
// - a shared recipe whose original is gone: its reference is marked deleted and the copy keeps
//   its last snapshot (the owner may detach it), as recipe.deleted would have done;
// - a Halloween event linked to a family that no longer exists: unlinked.
// As a guard against a wrong identity database, user data is not touched when identity knows
// none of the user ids the apps hold.

import type { FamilyIntegrityClient } from '../../family/client.ts';
import type { HollowtownIntegrityClient } from '../../hollowtown/client.ts';
import type { IdentityClient } from '../../identity/client.ts';
import type { RecipesIntegrityClient, ReferenceDomain } from '../../recipes/client.ts';

export interface IntegritySources {
  identity: Pick<IdentityClient, 'existingUserIds'>;
  hollowtown: HollowtownIntegrityClient;
  recipes: RecipesIntegrityClient;
  family: FamilyIntegrityClient;
}

export interface OrphanCheck {
  check: string;
  /** How many references point at nothing. */
  count: number;
  detail: string;
  /** Applies the policy; resolves with one line per change. */
  fix(): Promise<string[]>;
}

const BATCH = 500;
const short = (id: string) => id.slice(0, 8);
const sample = (ids: readonly string[]) =>
  ids.length === 0 ? '' : ` (${ids.slice(0, 3).map(short).join(', ')}${ids.length > 3 ? ', …' : ''})`;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Pages through `page` (ascending keys), `BATCH` at a time. */
async function* pages<T>(
  page: (after: string | null, limit: number) => Promise<T[]>,
  keyOf: (item: T) => string,
) {
  let after: string | null = null;
  for (;;) {
    const items = await page(after, BATCH);
    if (items.length > 0) yield items;
    if (items.length < BATCH) return;
    after = keyOf(items[items.length - 1] as T);
  }
}

/** ": recipes 2, events 1" from a handler's counts (nothing when it reports none). */
function counts(changed: Record<string, number>): string {
  if (Object.keys(changed).length === 0) return '';
  const parts = Object.entries(changed)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${kind} ${n}`);
  return `: ${parts.join(', ') || 'nothing left'}`;
}

export async function findOrphans(sources: IntegritySources): Promise<OrphanCheck[]> {
  const checks: OrphanCheck[] = [];

  // Users identity does not know, per database.
  const holders = [
    { database: 'hollowtown_db', source: sources.hollowtown },
    { database: 'recipes_db', source: sources.recipes },
    { database: 'family_db', source: sources.family },
  ];
  let referenced = 0;
  let known = 0;
  const unknownBy = new Map<string, string[]>();
  for (const { database, source } of holders) {
    const unknown: string[] = [];
    for await (const ids of pages(
      (after, limit) => source.userIds(after, limit),
      (id) => id,
    )) {
      const existing = await sources.identity.existingUserIds(ids);
      referenced += ids.length;
      known += existing.size;
      unknown.push(...ids.filter((id) => !existing.has(id)));
    }
    unknownBy.set(database, unknown);
  }
  const identityLooksWrong = referenced > 0 && known === 0;
  for (const { database, source } of holders) {
    const unknown = unknownBy.get(database) ?? [];
    checks.push({
      check: `users ${database.replace('_db', '')}`,
      count: unknown.length,
      detail:
        unknown.length === 0
          ? `${database}: every user id is known to identity`
          : `${database}: ${plural(unknown.length, 'user id')} unknown to identity${sample(unknown)}` +
            (identityLooksWrong
              ? '; identity knows none of the ids the apps hold, so --fix leaves them alone'
              : ''),
      async fix() {
        if (identityLooksWrong) return [];
        const changes: string[] = [];
        for (const userId of unknown) {
          const changed = await source.forgetUser(userId);
          changes.push(`${database}: applied user.deleted for unknown user ${userId}${counts(changed)}`);
        }
        return changes;
      },
    });
  }

  // Shared recipes whose original is gone.
  const existsIn: Record<ReferenceDomain, (ids: readonly string[]) => Promise<Set<string>>> = {
    hollowtown: (ids) => sources.hollowtown.existingRecipeIds(ids),
    recipes: (ids) => sources.recipes.existingRecipeIds(ids),
  };
  const gone: { domain: ReferenceDomain; sourceRecipeIds: string[] }[] = [];
  for (const domain of Object.keys(existsIn) as ReferenceDomain[]) {
    const missing = new Set<string>();
    for await (const references of pages(
      (after, limit) => sources.recipes.liveReferences(domain, after, limit),
      (r) => r.reference_id,
    )) {
      const existing = await existsIn[domain](references.map((r) => r.source_recipe_id));
      for (const r of references) if (!existing.has(r.source_recipe_id)) missing.add(r.source_recipe_id);
    }
    if (missing.size > 0) gone.push({ domain, sourceRecipeIds: [...missing] });
  }
  const goneCount = gone.reduce((n, g) => n + g.sourceRecipeIds.length, 0);
  checks.push({
    check: 'recipe refs',
    count: goneCount,
    detail:
      goneCount === 0
        ? 'recipes_db: every shared recipe reference points at an existing original (or is marked deleted)'
        : `recipes_db: ${plural(goneCount, 'shared recipe reference')} to deleted recipes not marked deleted` +
          sample(gone.flatMap((g) => g.sourceRecipeIds)),
    async fix() {
      const changes: string[] = [];
      for (const { domain, sourceRecipeIds } of gone) {
        const marked = await sources.recipes.markSourcesDeleted(domain, sourceRecipeIds);
        changes.push(
          `recipes_db: marked ${plural(marked, 'reference')} to deleted ${domain} recipes deleted; the copies keep their last snapshot${sample(sourceRecipeIds)}`,
        );
      }
      return changes;
    },
  });

  // Halloween events linked to families that no longer exist.
  const links = await sources.hollowtown.familyLinks();
  const dangling: { event_id: string; family_id: string }[] = [];
  for (let i = 0; i < links.length; i += BATCH) {
    const batch = links.slice(i, i + BATCH);
    const existing = await sources.family.existingFamilyIds([...new Set(batch.map((l) => l.family_id))]);
    dangling.push(...batch.filter((l) => !existing.has(l.family_id)));
  }
  checks.push({
    check: 'event families',
    count: dangling.length,
    detail:
      dangling.length === 0
        ? 'hollowtown_db: every event linked to a family links to an existing one'
        : `hollowtown_db: ${plural(dangling.length, 'event')} linked to deleted families${sample(dangling.map((d) => d.event_id))}`,
    async fix() {
      const changes: string[] = [];
      for (const link of dangling) {
        await sources.hollowtown.unlinkFamily(link.event_id);
        changes.push(`hollowtown_db: unlinked event ${link.event_id} from deleted family ${link.family_id}`);
      }
      return changes;
    },
  });
  return checks;
}
