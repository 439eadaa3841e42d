// Asking for a mail: an event in identity's outbox, written in the transaction of the change it
// is about, so a mail is never lost to a crash and never sent for a change that rolled back.
// Other services read the outbox too, so everything personal in an event (whose it is,
// addresses, what was typed, where from) is sealed under the master key; only the mailer opens
// it.
import { open, seal } from '../../platform/crypto/envelope.ts';
import type { Queryable } from '../../platform/db/database.ts';
import type { IdentityDeps } from '../deps.ts';
import { enqueueEvent } from '../store/outbox.ts';

export const MAIL_REQUESTED = 'mail.requested';
export const PASSWORD_RESET_REQUESTED = 'password.reset_requested';

export interface MailRequest {
  app: string;
  kind: string;
  /** The account it is about; the mail goes to its address unless `to` says otherwise. */
  userId: string;
  to?: string;
  /** What the template fills in (device, address, plan…). */
  data?: Record<string, unknown>;
  /** The account console as the person reaches it (links in the mail). */
  consoleUrl: string;
}

interface SealedMail {
  user_id: string;
  to?: string;
  data: Record<string, unknown>;
  console_url: string;
}

export interface SealedResetRequest {
  login: string;
  ip?: string;
  user_agent?: string;
  console_url: string;
}

const aad = (topic: string) => `outbox:${topic}`;

export async function requestMail(
  tx: Queryable,
  deps: Pick<IdentityDeps, 'masterKey' | 'now'>,
  request: MailRequest,
): Promise<void> {
  const sealed: SealedMail = {
    user_id: request.userId,
    ...(request.to ? { to: request.to } : {}),
    data: request.data ?? {},
    console_url: request.consoleUrl,
  };
  await enqueueEvent(
    tx,
    MAIL_REQUESTED,
    {
      app: request.app,
      kind: request.kind,
      sealed: seal(deps.masterKey, JSON.stringify(sealed), aad(MAIL_REQUESTED)),
    },
    deps.now(),
  );
}

/**
 * "Forgot password": the same event whether or not the login names an account, so the request
 * does the same work either way; the mailer looks the account up.
 */
export async function requestPasswordReset(
  tx: Queryable,
  deps: Pick<IdentityDeps, 'masterKey' | 'now'>,
  request: SealedResetRequest,
): Promise<void> {
  await enqueueEvent(
    tx,
    PASSWORD_RESET_REQUESTED,
    { sealed: seal(deps.masterKey, JSON.stringify(request), aad(PASSWORD_RESET_REQUESTED)) },
    deps.now(),
  );
}

export function openMailRequest(masterKey: Buffer, payload: Record<string, unknown>): MailRequest {
  const sealed = JSON.parse(open(masterKey, String(payload.sealed), aad(MAIL_REQUESTED))) as SealedMail;
  return {
    app: String(payload.app),
    kind: String(payload.kind),
    userId: sealed.user_id,
    to: sealed.to,
    data: sealed.data,
    consoleUrl: sealed.console_url,
  };
}

export function openResetRequest(masterKey: Buffer, payload: Record<string, unknown>): SealedResetRequest {
  return JSON.parse(
    open(masterKey, String(payload.sealed), aad(PASSWORD_RESET_REQUESTED)),
  ) as SealedResetRequest;
}
