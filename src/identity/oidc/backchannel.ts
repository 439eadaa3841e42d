// Back-channel logout (OpenID Connect Back-Channel Logout 1.0) for every way a CALOS session
// ends, not only a logout at the provider: it follows the revocation feed every service follows
// and sends each app that registered a back-channel logout URI a logout token for the grants of
// the ended sessions (sign-out, device revoked, password change, refresh reuse) and of the grants
// taken away. Where it stands is kept in identity's database, so a restart resumes and several
// identity processes send each logout once.
import type { RevocationFeed } from '../client.ts';
import type { IdentityDeps } from '../deps.ts';
import {
  claimLogoutProgress,
  clearOwedLogouts,
  grantsOfEnded,
  logoutProgress,
  owedLogoutsOf,
} from '../store/oidc.ts';
import type { OidcProvider } from './provider.ts';

const WAIT_MS = 20_000;
const RETRY_MS = 1_000;
/** Owed logouts of deleted accounts older than this are dropped unsent (a sender long stopped). */
const OWED_FOR_MS = 24 * 60 * 60 * 1000;

export function createBackchannelLogout(
  deps: Pick<IdentityDeps, 'db' | 'logger' | 'now'>,
  oidc: OidcProvider,
  feed: Pick<RevocationFeed, 'after'>,
) {
  let isStopped = false;
  let running: Promise<void> | undefined;

  /**
   * Tells the apps of the grants these sessions (or grant keys) ended, and of the grants of these
   * deleted accounts (kept for this in oidc_logouts_owed by the deletion).
   */
  const tell = async (ended: string[], deletedUsers: string[]) => {
    const grants = [
      ...(await grantsOfEnded(deps.db, ended)),
      ...(await owedLogoutsOf(deps.db, deletedUsers)),
    ];
    if (deletedUsers.length > 0)
      await clearOwedLogouts(deps.db, deletedUsers, new Date(deps.now().getTime() - OWED_FOR_MS));
    if (grants.length === 0) return;
    const provider = await oidc.current();
    await Promise.all(
      grants.map(async (grant) => {
        try {
          // oidc-provider's Client sends the logout token itself (signed, with the sid); untyped there.
          const client = (await provider.Client.find(grant.client_id)) as
            | { backchannelLogoutUri?: string; backchannelLogout(sub: string, sid: string): Promise<void> }
            | undefined;
          if (!client?.backchannelLogoutUri) return;
          await client.backchannelLogout(grant.user_id, grant.provider_sid);
        } catch (error) {
          // The app's endpoint is the app's business: its tokens are refused anyway.
          deps.logger.warn(
            { err: error, client_id: grant.client_id },
            'back-channel logout could not be delivered',
          );
        }
      }),
    );
  };

  const step = async () => {
    const from = await logoutProgress(deps.db);
    const page = await feed.after(from, WAIT_MS);
    if (isStopped || page.items.length === 0 || page.cursor <= from) return;
    // Another identity process moved on first: it sends these.
    if (!(await claimLogoutProgress(deps.db, from, page.cursor))) return;
    await tell(
      page.items.flatMap((item) => (item.sessionId ? [item.sessionId] : [])),
      page.items.flatMap((item) =>
        item.sessionId === null && item.reason === 'account_deleted' ? [item.userId] : [],
      ),
    );
  };

  return {
    start() {
      running ??= (async () => {
        while (!isStopped) {
          try {
            await step();
          } catch (error) {
            if (isStopped) return;
            deps.logger.warn(
              { err: error },
              'back-channel logout: cannot read the revocation feed; retrying',
            );
            await new Promise((resolve) => setTimeout(resolve, RETRY_MS).unref());
          }
        }
      })();
    },
    /** Stops after the current read; the feed's own stop wakes a read that is waiting. */
    stop() {
      isStopped = true;
    },
    async stopped() {
      await running;
    },
  };
}
