// Karma and rewards. An upvote from another account on a user's published item is +1 karma, its
// withdrawal −1; each is one ledger entry under a key naming the vote's change, so a report
// applied twice changes nothing. An item's counted upvotes (active, not the author's own, from
// accounts at least a day old when they voted) pay its author credits at every
// CALOS_REWARD_VOTES_PER_MILESTONE, up to CALOS_REWARD_MAX_MILESTONES, once per milestone: the
// item's row is locked while a vote applies, and the credit grant's key names the milestone.

import { PlatformErrors } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import type { KarmaClient, KarmaEntry, VoteReport } from '../client.ts';
import type { IdentityDeps } from '../deps.ts';
import { IdentityErrors } from '../errors.ts';
import {
  endVotesOnItem,
  findKarmaVote,
  insertKarmaEntry,
  karmaOf,
  lockRewardItem,
  recentKarma,
  updateRewardItem,
  upsertKarmaVote,
  userCreatedAt,
} from '../store/karma.ts';
import { findUserByLogin } from '../store/users.ts';
import { grantCredits } from './credits.ts';

/** An account younger than this when it votes does not count towards rewards. */
export const MIN_VOTER_AGE_MS = 24 * 60 * 60_000;
export const MAX_RECENT = 100;
const APPS = new Set(['hollowtown', 'recipes']);
// Comments carry no votes; a removed one only ends none.
const KINDS = new Set(['recipe', 'costume', 'plan', 'comment']);
const APP_NAMES: Record<string, string> = { hollowtown: 'Hollowtown', recipes: 'HowToCookAtHome' };

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export interface KarmaService extends KarmaClient {
  /** A user's karma by username, for public profiles; 404 USER_NOT_FOUND when there is none. */
  ofUsername(username: string): Promise<{ username: string; karma: number }>;
}

export function createKarmaService(deps: IdentityDeps): KarmaService {
  const { db } = deps;
  const rules = deps.config.community;

  return {
    async itemRemoved(input) {
      const at = input.at instanceof Date ? input.at : new Date(input.at);
      if (
        !APPS.has(input.app) ||
        !KINDS.has(input.itemKind) ||
        !isUuid(input.itemId) ||
        Number.isNaN(at.getTime())
      )
        throw PlatformErrors.validation('invalid removed item');
      const votesEnded = await db.transaction((tx) =>
        endVotesOnItem(tx, { app: input.app, itemKind: input.itemKind, itemId: input.itemId }, at),
      );
      return { votesEnded };
    },

    async recordVote(report) {
      const item = checkReport(report);
      const at = report.at instanceof Date ? report.at : new Date(report.at);
      return db.transaction(async (tx) => {
        const authorAt = await userCreatedAt(tx, report.authorId);
        // The author's account is gone: nothing of theirs to count.
        if (!authorAt) return { applied: false, karmaDelta: 0, rewardsPaid: 0 };
        const reward = await lockRewardItem(tx, item, report.authorId);
        const before = await findKarmaVote(tx, item, report.voterId);
        if (before && before.version >= report.version)
          return { applied: false, karmaDelta: 0, rewardsPaid: 0 };
        const voterAt = await userCreatedAt(tx, report.voterId);
        const isOwn = report.voterId === report.authorId;
        const isOldEnough = voterAt !== undefined && at.getTime() - voterAt.getTime() >= MIN_VOTER_AGE_MS;
        const isCounted = report.isActive && !isOwn && isOldEnough;
        await upsertKarmaVote(tx, item, {
          voterId: report.voterId,
          authorId: report.authorId,
          isActive: report.isActive,
          isCounted,
          version: report.version,
          at,
        });

        // Karma: another account's vote, whatever its age; taking it back takes the point back.
        let karmaDelta = 0;
        const wasActive = before?.is_active ?? false;
        if (!isOwn && wasActive !== report.isActive) {
          const delta = report.isActive ? 1 : -1;
          const added = await insertKarmaEntry(tx, {
            ...item,
            userId: report.authorId,
            delta,
            itemTitle: clip(report.itemTitle || 'Untitled', 200),
            reason: report.isActive ? 'Upvote' : 'Upvote withdrawn',
            idempotencyKey: `vote:${item.app}:${item.itemKind}:${item.itemId}:${report.voterId}:${report.version}`,
            at,
          });
          if (added) karmaDelta = delta;
        }

        // Rewards: counted votes only; each milestone pays once, under a key that names it.
        const countedVotes = Math.max(
          0,
          reward.counted_votes + (isCounted ? 1 : 0) - (before?.is_counted ? 1 : 0),
        );
        let milestonesPaid = reward.milestones_paid;
        let rewardsPaid = 0;
        while (
          milestonesPaid < rules.maxMilestones &&
          countedVotes >= (milestonesPaid + 1) * rules.votesPerMilestone
        ) {
          milestonesPaid++;
          if (rules.rewardCredits > 0) {
            const granted = await grantCredits(tx, {
              userId: reward.author_id,
              amount: rules.rewardCredits,
              kind: 'reward',
              reason: clip(
                `${APP_NAMES[item.app]}: "${clip(report.itemTitle || 'Untitled', 80)}" reached ${milestonesPaid * rules.votesPerMilestone} upvotes`,
                200,
              ),
              idempotencyKey: `reward:${item.app}:${item.itemKind}:${item.itemId}:${milestonesPaid}`,
            });
            if (granted && !granted.duplicate) rewardsPaid++;
          }
        }
        await updateRewardItem(tx, item, { countedVotes, milestonesPaid });
        return { applied: true, karmaDelta, rewardsPaid };
      });
    },

    async ofUser(userId) {
      return { karma: isUuid(userId) ? await karmaOf(db, userId) : 0 };
    },

    async recent(userId, limit) {
      if (!isUuid(userId)) return [];
      const rows = await recentKarma(db, userId, Math.min(Math.max(1, Math.trunc(limit) || 1), MAX_RECENT));
      return rows.map(
        (r): KarmaEntry => ({
          delta: r.delta,
          app: r.app,
          item_kind: r.item_kind,
          item_id: r.item_id,
          item_title: r.item_title,
          reason: r.reason,
          created_at: r.created_at,
        }),
      );
    },

    async ofUsername(username) {
      const user = username.length <= 100 ? await findUserByLogin(db, username) : undefined;
      // Only by username: an email address must not find anyone here.
      if (!user || user.username.toLowerCase() !== username.toLowerCase())
        throw IdentityErrors.userNotFound();
      return { username: user.username, karma: await karmaOf(db, user.user_id) };
    },
  };
}

function checkReport(report: VoteReport) {
  const problems: string[] = [];
  if (!APPS.has(report.app)) problems.push('app');
  if (!KINDS.has(report.itemKind)) problems.push('itemKind');
  if (!isUuid(report.itemId)) problems.push('itemId');
  if (!isUuid(report.authorId)) problems.push('authorId');
  if (!isUuid(report.voterId)) problems.push('voterId');
  if (typeof report.isActive !== 'boolean') problems.push('isActive');
  if (!Number.isSafeInteger(report.version) || report.version < 1) problems.push('version');
  if (typeof report.itemTitle !== 'string') problems.push('itemTitle');
  const at = report.at instanceof Date ? report.at : new Date(report.at);
  if (Number.isNaN(at.getTime())) problems.push('at');
  if (problems.length > 0)
    throw PlatformErrors.validation(
      `invalid vote report: ${problems.join(', ')}`,
      problems.map((field) => ({ field, message: 'is invalid' })),
    );
  return { app: report.app, itemKind: report.itemKind, itemId: report.itemId };
}
