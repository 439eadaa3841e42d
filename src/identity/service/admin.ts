// The operator console's account operations (identity's part): find accounts, see their devices,
// sessions, plan and credits; sign them out everywhere; disable and enable them; change their
// plan; grant or take back credits. Every change is in the staff audit log and in the security
// log of the account concerned, naming the staff member.
import { PlatformErrors } from '../../platform/errors.ts';
import { keyset } from '../../platform/http/pagination.ts';
import { isUuid } from '../../platform/ids.ts';
import type { IdentityDeps } from '../deps.ts';
import { IdentityErrors } from '../errors.ts';
import { isPlanCode } from '../plans.ts';
import { totalAiUsage } from '../store/ai.ts';
import {
  creditBalance,
  debitBalance,
  insertLedgerEntry,
  lockBalance,
  readBalance,
} from '../store/credits.ts';
import { listDevices } from '../store/devices.ts';
import { karmaOf } from '../store/karma.ts';
import { listUserGrants } from '../store/oidc.ts';
import { listLiveSessions, revokeAllSessions } from '../store/sessions.ts';
import { listStaffAudit, listStaffRoles, type StaffDomain } from '../store/staff.ts';
import { findUserById, findUserSummary, searchUsers, setUserDisabled } from '../store/users.ts';
import { recordStaffAction, type StaffActor } from './staff-audit.ts';
import { applyPlanChange, createSubscriptionsService } from './subscriptions.ts';

/** What the console asks of each change: a reason, kept in the audit log. */
const REASON_MAX = 500;
const STAFF_ANY = ['admin', 'support', 'moderator'];
export const MAX_ADJUSTMENT = 1_000_000;

const DOMAIN: StaffDomain = 'identity';

/** Found accounts by lower-case username (a cursor is bound to its search text). */
const FOUND_USERS = keyset('identity.admin.users', { name: 'text', id: 'uuid' });
/** The staff audit log, newest first by id (a cursor is bound to the domain and account asked for). */
const STAFF_AUDIT = keyset('identity.admin.audit', { id: 'bigint' });

export function createAdminService(deps: IdentityDeps) {
  const { db } = deps;
  const subscriptions = createSubscriptionsService(deps);

  const reasonOf = (reason: unknown): string => {
    if (typeof reason !== 'string' || reason.trim().length === 0 || reason.length > REASON_MAX)
      throw PlatformErrors.validation(`reason must be 1 to ${REASON_MAX} characters`, [
        { field: 'reason', message: `must be 1 to ${REASON_MAX} characters` },
      ]);
    return reason.trim();
  };

  const accountOf = async (userId: string) => {
    const user = isUuid(userId) ? await findUserSummary(db, userId) : undefined;
    if (!user) throw IdentityErrors.userNotFound();
    return user;
  };

  return {
    /** One page of the accounts found, by username; `cursor` is the previous page's next_cursor. */
    async search(query: string, limit: number, cursor?: string) {
      const text = query.trim();
      if (text.length < 2 || text.length > 254)
        throw PlatformErrors.validation('q must be 2 to 254 characters', [
          { field: 'q', message: 'must be 2 to 254 characters' },
        ]);
      const after = FOUND_USERS.decode(cursor, { q: text });
      const rows = await searchUsers(db, text, limit, after);
      return FOUND_USERS.page(
        rows,
        limit,
        ({ sort_name: _, ...user }) => user,
        (row) => ({ name: row.sort_name, id: row.user_id }),
        { q: text },
      );
    },

    async account(userId: string) {
      const user = await accountOf(userId);
      const [subscription, balance, devices, sessions, karma, apps] = await Promise.all([
        subscriptions.current(userId),
        readBalance(db, userId),
        listDevices(db, userId),
        listLiveSessions(db, userId, deps.now()),
        karmaOf(db, userId),
        listUserGrants(db, userId, deps.now()),
      ]);
      return {
        ...user,
        plan: { plan_code: subscription.plan_code, status: subscription.status },
        credits: { balance: balance?.balance ?? 0, lifetime_spent: balance?.lifetime_spent ?? 0 },
        devices: devices.map((d) => ({
          device_id: d.device_id,
          device_type: d.device_type,
          device_name: d.device_name,
          last_seen: d.last_seen,
          revoked_at: d.revoked_at,
        })),
        sessions,
        karma,
        // The apps the person let sign in with CALOS (while the grant's session lasts).
        apps: apps.map((a) => ({ client_id: a.client_id, name: a.name, created_at: a.created_at })),
      };
    },

    /** AI calls since a time by app, model and instance; `apps` limits it to those apps. */
    aiUsage: (since: Date, apps: readonly string[] | undefined, limit: number) =>
      totalAiUsage(db, { since, apps }, limit),

    /** One page of the staff audit log, of one domain and of one account when given. */
    async auditLog(
      filter: { domain?: Exclude<StaffDomain, 'all'>; user_id?: string },
      limit: number,
      cursor?: string,
    ) {
      const after = STAFF_AUDIT.decode(cursor, filter);
      const rows = await listStaffAudit(
        db,
        { subjectUserId: filter.user_id, domains: filter.domain ? [filter.domain] : undefined },
        limit + 1,
        after?.id,
      );
      return STAFF_AUDIT.page(
        rows,
        limit,
        (row) => row,
        (row) => ({ id: row.staff_audit_id }),
        filter,
      );
    },

    /**
     * What staff did in another service (a moderation decision, a refund), through identity's
     * client: written to the staff audit log, and to the security log of the person concerned.
     * Called at the time of the action, the actor must hold a staff role in that domain. Delivered
     * later from the service's outbox (`idempotencyKey` given), the service checked the role when
     * the action happened: the entry is written even if the role, or the actor's account, went
     * since, and a second delivery under the same key writes nothing and answers the same id.
     */
    async recordAction(input: {
      actorUserId: string;
      domain: StaffDomain;
      action: string;
      subjectUserId: string | null;
      reason: string | null;
      details: Record<string, unknown>;
      idempotencyKey?: string;
    }): Promise<{ staffAuditId: number }> {
      const key = input.idempotencyKey;
      if (key !== undefined && (typeof key !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(key)))
        throw IdentityErrors.staffInputInvalid('idempotencyKey must be 1 to 200 visible characters');
      if (!isUuid(input.actorUserId)) throw PlatformErrors.staffRoleRequired(input.domain, STAFF_ANY);
      const actor = await findUserById(db, input.actorUserId);
      if (key === undefined) {
        const grants = actor ? await listStaffRoles(db, actor.user_id) : [];
        if (!grants.some((g) => g.domain === input.domain || g.domain === 'all'))
          throw PlatformErrors.staffRoleRequired(input.domain, STAFF_ANY);
      }
      if (!/^[a-z][a-z_]{0,30}\.[a-z][a-z_]{0,30}$/.test(input.action))
        throw IdentityErrors.staffInputInvalid('action must look like item.removed');
      const subject =
        input.subjectUserId && isUuid(input.subjectUserId)
          ? await findUserSummary(db, input.subjectUserId)
          : undefined;
      const staffAuditId = await db.transaction((tx) =>
        recordStaffAction(tx, {
          actor: {
            userId: input.actorUserId,
            username: actor?.username ?? `erased account ${input.actorUserId.slice(0, 8)}`,
          },
          action: input.action,
          subjectUserId: subject ? subject.user_id : null,
          domain: input.domain,
          reason: input.reason === null ? null : input.reason.slice(0, REASON_MAX),
          details: input.details,
          at: deps.now(),
          dedupeKey: key,
        }),
      );
      return { staffAuditId };
    },

    async signOutEverywhere(userId: string, actor: StaffActor, reason: unknown) {
      const why = reasonOf(reason);
      await accountOf(userId);
      return db.transaction(async (tx) => {
        const at = deps.now();
        const ended = await revokeAllSessions(tx, userId, 'staff_sign_out', at);
        await recordStaffAction(tx, {
          actor,
          action: 'account.signed_out',
          subjectUserId: userId,
          domain: DOMAIN,
          reason: why,
          details: { sessions_ended: ended },
          at,
        });
        return { sessions_ended: ended };
      });
    },

    /** Disabled: no sign-in, every session ended (services refuse its tokens from the feed). */
    async setDisabled(userId: string, disabled: boolean, actor: StaffActor, reason: unknown) {
      const why = reasonOf(reason);
      await accountOf(userId);
      return db.transaction(async (tx) => {
        const at = deps.now();
        await setUserDisabled(tx, userId, disabled ? at : null);
        const ended = disabled ? await revokeAllSessions(tx, userId, 'account_disabled', at) : 0;
        await recordStaffAction(tx, {
          actor,
          action: disabled ? 'account.disabled' : 'account.enabled',
          subjectUserId: userId,
          domain: DOMAIN,
          reason: why,
          details: disabled ? { sessions_ended: ended } : {},
          at,
        });
        return { disabled, disabled_at: disabled ? at : null };
      });
    },

    async changePlan(userId: string, planCode: string, actor: StaffActor, reason: unknown) {
      const why = reasonOf(reason);
      if (!isPlanCode(planCode)) throw IdentityErrors.planNotFound(planCode);
      await accountOf(userId);
      await db.transaction(async (tx) => {
        const at = deps.now();
        const outcome = await applyPlanChange(
          tx,
          {
            userId,
            planCode,
            status: 'active',
            currentPeriodEnd: null,
            provider: 'dev',
            providerRef: null,
            providerEventAt: null,
          },
          at,
        );
        if (outcome === 'unknown user') throw IdentityErrors.userNotFound();
        await recordStaffAction(tx, {
          actor,
          action: 'plan.assigned',
          subjectUserId: userId,
          domain: DOMAIN,
          reason: why,
          details: { plan_code: planCode },
          at,
        });
      });
      return subscriptions.current(userId);
    },

    /** Grants (amount > 0) or takes back (amount < 0) credits; never below zero. */
    async adjustCredits(userId: string, amount: number, actor: StaffActor, reason: unknown) {
      const why = reasonOf(reason);
      if (!Number.isInteger(amount) || amount === 0 || Math.abs(amount) > MAX_ADJUSTMENT)
        throw PlatformErrors.validation(
          `amount must be a whole number from -${MAX_ADJUSTMENT} to ${MAX_ADJUSTMENT}, not 0`,
          [{ field: 'amount', message: 'must be a non-zero whole number' }],
        );
      await accountOf(userId);
      return db.transaction(async (tx) => {
        const current = await lockBalance(tx, userId);
        if (!current) throw IdentityErrors.userNotFound();
        const balance =
          amount > 0 ? await creditBalance(tx, userId, amount) : await debitBalance(tx, userId, -amount);
        if (balance === undefined) throw IdentityErrors.creditAdjustmentRefused(current.balance, -amount);
        const staff = 'operator' in actor ? actor.operator : actor.username;
        const entry = await insertLedgerEntry(tx, {
          userId,
          amount,
          kind: 'admin_grant',
          reason: `${amount > 0 ? 'Granted' : 'Taken back'} by staff ${staff}: ${why}`.slice(0, 200),
          balanceAfter: balance,
        });
        const at = deps.now();
        await recordStaffAction(tx, {
          actor,
          action: amount > 0 ? 'credits.granted' : 'credits.taken_back',
          subjectUserId: userId,
          domain: DOMAIN,
          reason: why,
          details: { amount, balance_after: balance, entry_id: entry?.entry_id ?? null },
          at,
        });
        return { balance, entry_id: entry?.entry_id ?? null };
      });
    },
  };
}

export type AdminService = ReturnType<typeof createAdminService>;
