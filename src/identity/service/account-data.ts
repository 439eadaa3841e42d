// "Download my data" and its import, on identity's side (GDPR Art. 15 and 20): the password is
// asked again before an archive of everything leaves (a stolen session alone cannot take it),
// one export and one import run at a time per account, and both are written to the security
// log. The archive itself is assembled from every app's client by src/cross-app/account-data.ts.
import type { Readable } from 'node:stream';
import type { IdentityDeps, RequestOrigin } from '../deps.ts';
import { IdentityErrors } from '../errors.ts';
import type { AccountImportSummary, IdentityLinks } from '../links.ts';
import { recordAudit } from '../store/audit.ts';
import type { AccountThrottles } from './account-throttles.ts';
import { confirmPassword } from './reauth.ts';

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

  return {
    /** The archive as a stream, once the password is confirmed; the file name names the account and day. */
    async exportArchive(
      userId: string,
      password: string,
      origin: RequestOrigin,
    ): Promise<{ archive: Readable; filename: string }> {
      const accountData = link();
      const user = await confirmPassword(deps.db, throttles, userId, password);
      const release = hold('export', userId);
      try {
        const now = deps.now();
        await recordAudit(deps.db, userId, 'account.exported', origin, { format_version: 1 });
        const archive = accountData.exportArchive(userId, now);
        archive.once('close', release);
        archive.once('error', release);
        return { archive, filename: `calos-data-${user.username}-${now.toISOString().slice(0, 10)}.zip` };
      } catch (error) {
        release();
        throw error;
      }
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
