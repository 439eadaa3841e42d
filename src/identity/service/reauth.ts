// Asking a signed-in person for their password again before a change that decides who can sign
// in (two-step verification, passkeys, the email): a stolen session alone cannot make it, and
// wrong guesses lock the check like wrong sign-ins do.
import type { Queryable } from '../../platform/db/database.ts';
import { IdentityErrors } from '../errors.ts';
import { findUserById, type UserRow } from '../store/users.ts';
import type { AccountThrottles } from './account-throttles.ts';
import { verifyPassword } from './passwords.ts';

export async function confirmPassword(
  db: Queryable,
  throttles: AccountThrottles,
  userId: string,
  password: string,
): Promise<UserRow> {
  await throttles.assertNotLocked('passwordChecksPerAccount', userId);
  const user = await findUserById(db, userId);
  if (!user) throw IdentityErrors.sessionEnded();
  if (!(await verifyPassword(user.password_hash, password))) {
    await throttles.recordFailure('passwordChecksPerAccount', userId);
    throw IdentityErrors.passwordRequired();
  }
  return user;
}
