// "Download my data" and its import, on identity's side (GDPR Art. 15 and 20): the password is
// asked again before an archive of everything leaves (a stolen session alone cannot take it),
// one export and one import run at a time per account, and both are written to the security
// log. The archive itself is assembled from every app's client by src/cross-app/account-data.ts.
// A browser gets it through a ticket: the password buys a single-use token valid one minute, and
// the zip is fetched at a plain URL with it, so it streams to disk whatever its size.
import type { Readable } from 'node:stream';
import { hashToken, randomToken } from '../../platform/crypto/tokens.ts';
import type { IdentityDeps, RequestOrigin } from '../deps.ts';
import { IdentityErrors } from '../errors.ts';
import type { AccountImportSummary, IdentityLinks } from '../links.ts';
import { insertAccountToken, spendAccountToken } from '../store/account-tokens.ts';
import { recordAudit } from '../store/audit.ts';
import { findUserById } from '../store/users.ts';
import type { AccountThrottles } from './account-throttles.ts';
import { confirmPassword } from './reauth.ts';

/** How long a download ticket works: the page uses it at once. */
export const EXPORT_TICKET_SECONDS = 60;

export function createAccountDataService(
  deps: IdentityDeps,
  throttles: AccountThrottles,
  links: IdentityLinks,
) {
  // Per process: an account's export or import holds its place until it ends.
  const running = new Set<string>();
  const hold = (what: 'export' | 'import', userId: string) => {
    const key = `${what}:${userId}`;
    if (running.has(key)) throw IdentityErrors.accountDataBusy(what);
    running.add(key);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      running.delete(key);
    };
  };
  const link = () => {
    const accountData = links.accountData();
    if (!accountData) throw IdentityErrors.accountDataUnavailable();
    return accountData;
  };

  /** One export of the account at a time, written to its security log, streamed from every app. */
  async function startExport(user: { user_id: string; username: string }, origin: RequestOrigin) {
    const release = hold('export', user.user_id);
    try {
      const now = deps.now();
      await recordAudit(deps.db, user.user_id, 'account.exported', origin, { format_version: 1 });
      const archive = link().exportArchive(user.user_id, now);
      archive.once('close', release);
      archive.once('error', release);
      return { archive, filename: `calos-data-${user.username}-${now.toISOString().slice(0, 10)}.zip` };
    } catch (error) {
      release();
      throw error;
    }
  }

  return {
    /** The archive as a stream, once the password is confirmed; the file name names the account and day. */
    async exportArchive(
      userId: string,
      password: string,
      origin: RequestOrigin,
    ): Promise<{ archive: Readable; filename: string }> {
      link();
      const user = await confirmPassword(deps.db, throttles, userId, password);
      return startExport(user, origin);
    },

    /** A single-use ticket for the archive, once the password is confirmed. */
    async exportTicket(userId: string, password: string): Promise<{ ticket: string; expires_in: number }> {
      link();
      await confirmPassword(deps.db, throttles, userId, password);
      const ticket = randomToken();
      const now = deps.now();
      await insertAccountToken(deps.db, {
        tokenHash: hashToken(ticket),
        userId,
        purpose: 'data_export',
        createdAt: now,
        expiresAt: new Date(now.getTime() + EXPORT_TICKET_SECONDS * 1000),
      });
      return { ticket, expires_in: EXPORT_TICKET_SECONDS };
    },

    /** The archive for a ticket, which is spent: unknown, used or expired is 404. */
    async exportByTicket(
      ticket: string,
      origin: RequestOrigin,
    ): Promise<{ archive: Readable; filename: string }> {
      link();
      const spent =
        ticket.length <= 100
          ? await spendAccountToken(deps.db, hashToken(ticket), 'data_export', deps.now())
          : undefined;
      const user = spent && (await findUserById(deps.db, spent.user_id));
      if (!user) throw IdentityErrors.exportTicketInvalid();
      return startExport(user, origin);
    },

    async importArchive(
      userId: string,
      archive: Buffer,
      origin: RequestOrigin,
    ): Promise<AccountImportSummary> {
      const accountData = link();
      const release = hold('import', userId);
      try {
        const summary = await accountData.importArchive(userId, archive);
        const created = Object.fromEntries(
          Object.entries(summary.apps).map(([app, collections]) => [
            app,
            Object.values(collections).reduce((sum, counts) => sum + counts.created, 0),
          ]),
        );
        await recordAudit(deps.db, userId, 'account.imported', origin, { created });
        return summary;
      } finally {
        release();
      }
    },
  };
}
