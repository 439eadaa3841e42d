// Accounts that belong to the operator rather than to a person, e.g. `calos-seed`, which owns
// the recipes `calos seed` generates. Nobody can sign in to one: its password hash is no hash,
// so every password fails to verify. It exists in identity like any account (credits, a plan,
// an audit trail), so the apps' integrity checks find its owner and the gateway meters it.
import type { IdentityDeps } from '../deps.ts';
import { IdentityErrors } from '../errors.ts';
import type { PlanCode } from '../plans.ts';
import { recordAudit } from '../store/audit.ts';
import { openCreditAccount } from '../store/credits.ts';
import { currentPlan, insertSubscription } from '../store/subscriptions.ts';
import { findUserByLogin, insertUser } from '../store/users.ts';

/** The password hash of a system account: not a hash any password verifies against. */
export const SYSTEM_PASSWORD_HASH = '!system-account: no password signs in';

export interface SystemAccount {
  userId: string;
  username: string;
  plan: PlanCode;
  created: boolean;
}

/**
 * The system account with this username, created on `plan` if missing. A person's account of
 * that name is never taken over: 409 USERNAME_TAKEN.
 */
export async function ensureSystemAccount(
  deps: Pick<IdentityDeps, 'db' | 'now'>,
  input: { username: string; displayName: string; plan: PlanCode },
): Promise<SystemAccount> {
  const { db } = deps;
  const existing = async (): Promise<SystemAccount | undefined> => {
    const user = await findUserByLogin(db, input.username);
    if (!user) return undefined;
    if (
      user.password_hash !== SYSTEM_PASSWORD_HASH ||
      user.username.toLowerCase() !== input.username.toLowerCase()
    )
      throw IdentityErrors.usernameTaken();
    return {
      userId: user.user_id,
      username: user.username,
      plan: await currentPlan(db, user.user_id, deps.now()),
      created: false,
    };
  };
  const found = await existing();
  if (found) return found;
  try {
    return await db.transaction(async (tx) => {
      const user = await insertUser(tx, {
        username: input.username,
        email: `${input.username.toLowerCase()}@system.calos.invalid`,
        passwordHash: SYSTEM_PASSWORD_HASH,
        displayName: input.displayName,
      });
      await openCreditAccount(tx, user.user_id);
      if (input.plan !== 'free') {
        await insertSubscription(tx, {
          userId: user.user_id,
          planCode: input.plan,
          status: 'active',
          currentPeriodEnd: null,
          providerRef: null,
          providerEventAt: null,
        });
      }
      await recordAudit(tx, user.user_id, 'account.created', {}, { username: user.username, system: true });
      if (input.plan !== 'free') {
        await recordAudit(
          tx,
          user.user_id,
          'subscription.changed',
          {},
          {
            from: 'free',
            to: input.plan,
            status: 'active',
            provider: 'operator',
            current_period_end: null,
          },
        );
      }
      return { userId: user.user_id, username: user.username, plan: input.plan, created: true };
    });
  } catch (error) {
    // Created meanwhile by another run: use that one.
    if ((error as { code?: string }).code === '23505') {
      const raced = await existing();
      if (raced) return raced;
    }
    throw error;
  }
}
