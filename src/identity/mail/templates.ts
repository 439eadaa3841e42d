// The mails CALOS sends, per app and kind: a category (security notices always go; the others
// can be turned off), an optional single-use link, and the words in each language (English
// for now; an account's `locale` picks, English is the fallback). Plain text and HTML come from
// the same copy, so the two never say different things.

export type MailCategory = 'security' | 'receipts';

/** Categories a person may turn off, with how the console and the unsubscribe page name them. */
export const OPTIONAL_CATEGORIES: Readonly<Record<Exclude<MailCategory, 'security'>, string>> = {
  receipts: 'Receipts for credits and plan changes',
};

export const isOptionalCategory = (value: string): value is keyof typeof OPTIONAL_CATEGORIES =>
  Object.hasOwn(OPTIONAL_CATEGORIES, value);

/** A single-use link the mailer mints when it queues the mail. */
export interface TemplateLink {
  purpose: 'password_reset' | 'email_verify';
  /** The account console's view the link opens (`reset-password?token=…`). */
  view: string;
  ttlMs: number;
}

export interface MailLinks {
  /** The link of the mail's action (reset, verify), when it has one. */
  action?: string;
  /** The account console. */
  account: string;
  /** One click to stop this category (optional categories only). */
  unsubscribe?: string;
}

type Data = Record<string, unknown>;

interface Copy {
  subject(data: Data): string;
  /** Paragraphs, in order; the action button comes after the first. */
  paragraphs(data: Data): string[];
  /** The action's button text, when the mail has a link. */
  action?: string;
}

export interface MailTemplate {
  category: MailCategory;
  link?: TemplateLink;
  copy: Record<string, Copy>;
}

export const PASSWORD_RESET_TTL_MS = 30 * 60_000;
export const EMAIL_VERIFY_TTL_MS = 72 * 60 * 60_000;

const str = (value: unknown, fallback = ''): string => (typeof value === 'string' ? value : fallback);
const when = (data: Data) => {
  const at = str(data.at);
  return at ? `${at.replace('T', ' ').slice(0, 16)} UTC` : 'just now';
};
const minutes = (ms: number) => Math.round(ms / 60_000);

/** Every app's templates. Another app's mails (an invitation, a reminder) add a section here. */
export const TEMPLATES: Readonly<Record<string, Readonly<Record<string, MailTemplate>>>> = {
  calos: {
    password_reset: {
      category: 'security',
      link: { purpose: 'password_reset', view: 'reset-password', ttlMs: PASSWORD_RESET_TTL_MS },
      copy: {
        en: {
          subject: () => 'Reset your CALOS password',
          action: 'Choose a new password',
          paragraphs: (data) => [
            `Someone (we hope you) asked to reset the password of the CALOS account ${str(data.username)}. Follow this link to choose a new one:`,
            `The link works once, for ${minutes(PASSWORD_RESET_TTL_MS)} minutes. Choosing a new password signs out every device and app signed in to your account.`,
            'If you did not ask for this, ignore this mail: your password stays as it is.',
          ],
        },
      },
    },
    password_changed: {
      category: 'security',
      copy: {
        en: {
          subject: () => 'Your CALOS password was changed',
          paragraphs: (data) => [
            `The password of your CALOS account ${str(data.username)} was ${data.via === 'reset' ? 'reset with a link mailed to you' : 'changed'} at ${when(data)}.`,
            data.via === 'reset'
              ? 'Every device and app that was signed in has been signed out.'
              : 'Every other device and app that was signed in has been signed out.',
            'If this was not you, reset your password at once from the sign-in page ("Forgot your password?") and check your security log.',
          ],
        },
      },
    },
    email_verify: {
      category: 'security',
      link: { purpose: 'email_verify', view: 'verify-email', ttlMs: EMAIL_VERIFY_TTL_MS },
      copy: {
        en: {
          subject: (data) =>
            data.reason === 'change' ? 'Confirm your new email for CALOS' : 'Confirm your email for CALOS',
          action: 'Confirm this address',
          paragraphs: (data) => [
            data.reason === 'change'
              ? `Confirm that ${str(data.email)} is the new address of the CALOS account ${str(data.username)}:`
              : `Welcome to CALOS, ${str(data.username)}! Confirm that ${str(data.email)} is your address:`,
            `The link works once, for ${Math.round(EMAIL_VERIFY_TTL_MS / 3_600_000)} hours.`,
            data.reason === 'change'
              ? 'Until you confirm, your account keeps its current address.'
              : 'If you did not create this account, ignore this mail.',
          ],
        },
      },
    },
    email_change_notice: {
      category: 'security',
      copy: {
        en: {
          subject: () => 'Your CALOS account’s email is being changed',
          paragraphs: (data) => [
            `Someone signed in to the CALOS account ${str(data.username)} asked to change its email from this address to ${str(data.new_email)} at ${when(data)}.`,
            'The change takes effect only once the new address is confirmed from the mail sent there.',
            'If this was not you, change your password at once: that signs out every other device, and the change cannot be confirmed without the new mailbox.',
          ],
        },
      },
    },
    new_sign_in: {
      category: 'security',
      copy: {
        en: {
          subject: () => 'New sign-in to your CALOS account',
          paragraphs: (data) => [
            `Your CALOS account ${str(data.username)} was signed in to from a device it had not seen before, at ${when(data)}:`,
            `${str(data.device, 'An unknown device')}${data.ip ? ` (address ${str(data.ip)})` : ''}.`,
            'If this was you, there is nothing to do. If not, change your password and revoke the device in your account’s Devices page.',
          ],
        },
      },
    },
    two_factor_changed: {
      category: 'security',
      copy: {
        en: {
          subject: (data) =>
            data.change === 'passkey_added'
              ? 'A passkey was added to your CALOS account'
              : data.change === 'totp_disabled'
                ? 'Two-step verification was turned off'
                : 'Two-step verification was turned on',
          paragraphs: (data) => [
            data.change === 'passkey_added'
              ? `A passkey named “${str(data.name)}” was added to your CALOS account ${str(data.username)} at ${when(data)}. It can sign in without your password.`
              : data.change === 'totp_disabled'
                ? `Two-step verification was turned off for your CALOS account ${str(data.username)} at ${when(data)}. Signing in now needs only your password.`
                : `Two-step verification was turned on for your CALOS account ${str(data.username)} at ${when(data)}. Signing in now also asks for a code from your authenticator app.`,
            'If this was not you, reset your password at once and check your security log.',
          ],
        },
      },
    },
    // What moderation decided about something the person published: always sent, like a
    // security notice, since it changes what others see of their work.
    moderation_decision: {
      category: 'security',
      copy: {
        en: {
          subject: (data) =>
            data.decision === 'removed'
              ? `Your ${str(data.kind, 'item')} was removed from ${str(data.app_name)}`
              : data.decision === 'restored'
                ? `Your ${str(data.kind, 'item')} is public again on ${str(data.app_name)}`
                : `Your ${str(data.kind, 'item')} is hidden on ${str(data.app_name)} pending review`,
          paragraphs: (data) => [
            data.decision === 'removed'
              ? `After review, your ${str(data.kind, 'item')} “${str(data.title)}” was removed from ${str(data.app_name)}'s public pages. You still see it in your own list.`
              : data.decision === 'restored'
                ? `After review, your ${str(data.kind, 'item')} “${str(data.title)}” is public again on ${str(data.app_name)}.`
                : `Your ${str(data.kind, 'item')} “${str(data.title)}” was reported by several people and is hidden from ${str(data.app_name)}'s public pages until someone reviews it.`,
            `Reason: ${str(data.reason, '—')}`,
          ],
        },
      },
    },
    receipt: {
      category: 'receipts',
      copy: {
        en: {
          subject: (data) =>
            data.what === 'plan' ? 'Your CALOS plan changed' : 'Your CALOS credits receipt',
          paragraphs: (data) => [
            data.what === 'plan'
              ? `Your CALOS account ${str(data.username)} is now on the ${str(data.plan)} plan (since ${when(data)}).`
              : `${Number(data.credits ?? 0).toLocaleString('en')} credits were added to your CALOS account ${str(data.username)} at ${when(data)}. Your balance is ${Number(data.balance ?? 0).toLocaleString('en')}.`,
            `Reference: ${str(data.reference, '—')}.`,
          ],
        },
      },
    },
  },
};

export function templateOf(app: string, kind: string): MailTemplate | undefined {
  return TEMPLATES[app]?.[kind];
}

const APP_NAMES: Record<string, string> = { calos: 'CALOS' };

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** The mail in the account's language (English when there is no copy in it). */
export function renderMail(
  app: string,
  template: MailTemplate,
  locale: string,
  data: Data,
  links: MailLinks,
): RenderedMail {
  const language = locale.split('-')[0] ?? 'en';
  const copy = template.copy[locale] ?? template.copy[language] ?? template.copy.en;
  if (!copy) throw new Error(`Mail template ${app} has no English copy`);
  const brand = APP_NAMES[app] ?? app;
  const [first = '', ...rest] = copy.paragraphs(data);
  const footer = links.unsubscribe
    ? `You get this mail because of your ${brand} account’s settings. Stop these mails: ${links.unsubscribe}`
    : `This is a security notice about your ${brand} account; it is always sent.`;

  const text = [
    first,
    ...(links.action ? [links.action] : []),
    ...rest,
    `Your account: ${links.account}`,
    '--',
    footer,
  ].join('\n\n');

  const paragraph = (p: string) => `<p style="margin:0 0 16px">${escapeHtml(p)}</p>`;
  const button =
    links.action && copy.action
      ? `<p style="margin:0 0 16px"><a href="${escapeHtml(links.action)}" style="display:inline-block;padding:10px 18px;background:#4b2ca0;color:#ffffff;text-decoration:none;border-radius:6px">${escapeHtml(copy.action)}</a></p>` +
        `<p style="margin:0 0 16px;font-size:13px;color:#555">Or paste this address into your browser: ${escapeHtml(links.action)}</p>`
      : '';
  const unsubscribe = links.unsubscribe
    ? `You get this mail because of your ${escapeHtml(brand)} account’s settings. <a href="${escapeHtml(links.unsubscribe)}" style="color:#555">Stop these mails</a>.`
    : `This is a security notice about your ${escapeHtml(brand)} account; it is always sent.`;
  const html = `<!doctype html>
<html lang="${escapeHtml(language)}"><head><meta charset="utf-8"><title>${escapeHtml(copy.subject(data))}</title></head>
<body style="margin:0;padding:24px;background:#f6f5fa;font-family:system-ui,sans-serif;font-size:16px;line-height:1.5;color:#1d1b24">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:24px">
<p style="margin:0 0 24px;font-weight:bold">◆ ${escapeHtml(brand)}</p>
${paragraph(first)}
${button}
${rest.map(paragraph).join('\n')}
<p style="margin:0 0 16px"><a href="${escapeHtml(links.account)}">Your ${escapeHtml(brand)} account</a></p>
<p style="margin:24px 0 0;font-size:13px;color:#555">${unsubscribe}</p>
</div></body></html>`;
  return { subject: copy.subject(data), text, html };
}
