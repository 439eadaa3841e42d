// Which mails a person gets: security notices always; each optional category (receipts, …) until
// they turn it off in the console or follow a mail's unsubscribe link. And the language mails
// are written in.
import type { IdentityDeps, RequestOrigin } from '../deps.ts';
import { IdentityErrors } from '../errors.ts';
import { readUnsubscribeToken } from '../mail/links.ts';
import { isOptionalCategory, OPTIONAL_CATEGORIES } from '../mail/templates.ts';
import { recordAudit } from '../store/audit.ts';
import { listOptOuts, setOptOut } from '../store/mail.ts';
import { findUserById, updateLocale } from '../store/users.ts';

export function createMailPreferences(deps: IdentityDeps) {
  const { db } = deps;

  async function read(userId: string) {
    const user = await findUserById(db, userId);
    if (!user) throw IdentityErrors.sessionEnded();
    const off = new Set(await listOptOuts(db, userId));
    return {
      locale: user.locale,
      categories: [
        {
          category: 'security',
          label: 'Security notices: password, sign-ins from new devices, email and two-step changes',
          enabled: true,
          optional: false,
        },
        ...Object.entries(OPTIONAL_CATEGORIES).map(([category, label]) => ({
          category,
          label,
          enabled: !off.has(category),
          optional: true,
        })),
      ],
    };
  }

  /** The account and category an unsubscribe link names, or 400. */
  function readToken(token: string) {
    const found = readUnsubscribeToken(deps.masterKey, token);
    if (!found || !isOptionalCategory(found.category)) throw IdentityErrors.unsubscribeTokenInvalid();
    return { ...found, label: OPTIONAL_CATEGORIES[found.category] };
  }

  return {
    read,

    async update(
      userId: string,
      input: { locale?: string; categories?: Record<string, boolean> },
      origin: RequestOrigin,
    ) {
      const unknown = Object.keys(input.categories ?? {}).filter((c) => !isOptionalCategory(c));
      if (unknown.length > 0) {
        throw IdentityErrors.mailCategoryNotOptional(unknown);
      }
      await db.transaction(async (tx) => {
        if (input.locale) await updateLocale(tx, userId, input.locale);
        for (const [category, enabled] of Object.entries(input.categories ?? {}))
          await setOptOut(tx, userId, category, !enabled);
        await recordAudit(tx, userId, 'mail.preferences_changed', origin, {
          ...(input.locale ? { locale: input.locale } : {}),
          ...(input.categories ? { categories: input.categories } : {}),
        });
      });
      return read(userId);
    },

    /** What a link would turn off, without turning it off (the console asks first). */
    describeUnsubscribe(token: string) {
      const { category, label } = readToken(token);
      return { category, label };
    },

    async unsubscribe(token: string, origin: RequestOrigin) {
      const { userId, category, label } = readToken(token);
      const user = await findUserById(db, userId);
      // The account is gone: nothing will be mailed to it anyway.
      if (user) {
        await db.transaction(async (tx) => {
          await setOptOut(tx, userId, category, true);
          await recordAudit(tx, userId, 'mail.preferences_changed', origin, {
            categories: { [category]: false },
            via: 'unsubscribe_link',
          });
        });
      }
      return { category, label, enabled: false };
    },
  };
}

export type MailPreferences = ReturnType<typeof createMailPreferences>;
