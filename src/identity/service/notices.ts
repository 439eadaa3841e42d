// Notices about what an app did with something a person published, mailed through identity's
// mail outbox (the apps hold no addresses).
import { PlatformErrors } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import type { NoticesClient } from '../client.ts';
import type { IdentityDeps } from '../deps.ts';
import { defaultConsoleUrl } from '../mail/links.ts';
import { requestMail } from '../mail/requests.ts';
import { userCreatedAt } from '../store/karma.ts';
import { claimNoticeKey } from '../store/notice-keys.ts';

const APP_NAMES: Record<string, string> = { hollowtown: 'Hollowtown', recipes: 'HowToCookAtHome' };
const KIND_NAMES: Record<string, string> = {
  recipe: 'recipe',
  costume: 'costume idea',
  plan: 'haunted-house plan',
  comment: 'comment',
};
const DECISIONS = new Set(['hidden', 'restored', 'removed']);

export function createNoticesClient(deps: IdentityDeps): NoticesClient {
  return {
    async moderationDecision(input) {
      const appName = APP_NAMES[input.app];
      const kind = KIND_NAMES[input.itemKind];
      if (!appName || !kind || !DECISIONS.has(input.decision) || typeof input.reason !== 'string')
        throw PlatformErrors.validation('invalid moderation notice');
      if (!isUuid(input.userId)) return;
      const noticeKey = typeof input.noticeKey === 'string' ? input.noticeKey.slice(0, 200) : undefined;
      await deps.db.transaction(async (tx) => {
        // An account deleted since has no one left to tell.
        if (!(await userCreatedAt(tx, input.userId))) return;
        // Handed over again (the app's outbox delivers at least once): mailed already.
        if (noticeKey && !(await claimNoticeKey(tx, noticeKey, deps.now()))) return;
        await requestMail(tx, deps, {
          app: 'calos',
          kind: 'moderation_decision',
          userId: input.userId,
          data: {
            app_name: appName,
            kind,
            title: String(input.itemTitle).slice(0, 200),
            decision: input.decision,
            reason: input.reason.slice(0, 500),
          },
          consoleUrl: defaultConsoleUrl(deps.config),
        });
      });
    },
  };
}
