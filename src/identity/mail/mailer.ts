// Identity's transactional mail queue. A consumer of identity's own outbox turns each mail
// event into one delivery (the delivery is unique per event, so an event read again after a
// crash adds nothing), minting the single-use link a template needs in the same transaction;
// a sender takes due deliveries under a lease and sends them, retrying with backoff. Nothing is
// lost on restart: events wait in the outbox, deliveries in mail_deliveries. A copy can only be
// sent twice if the process dies between the relay's "accepted" and recording it; that copy
// carries the same Message-ID, so mailboxes drop it.

import { open, seal } from '../../platform/crypto/envelope.ts';
import { hashToken, randomToken } from '../../platform/crypto/tokens.ts';
import type { Queryable } from '../../platform/db/database.ts';
import type { StoredOutboxEvent } from '../../platform/db/outbox.ts';
import { isAppError } from '../../platform/errors.ts';
import { isPermanentMailError, type MailTransport } from '../../platform/mail.ts';
import { createOutboxConsumer, type OutboxConsumer } from '../../platform/outbox-consumer.ts';
import type { IdentityDeps } from '../deps.ts';
import type { AccountThrottles } from '../service/account-throttles.ts';
import { insertAccountToken, voidAccountTokens } from '../store/account-tokens.ts';
import { recordAudit } from '../store/audit.ts';
import {
  claimDueDeliveries,
  type DeliveryRow,
  deliveryExists,
  insertDelivery,
  isOptedOut,
  markDeliveryExpired,
  markDeliveryFailed,
  markDeliverySent,
} from '../store/mail.ts';
import { ackEvent, pullEvents } from '../store/outbox.ts';
import { findUserById, findUserByLogin, type UserRow } from '../store/users.ts';
import { consoleLink, identityApiRoot, unsubscribeToken } from './links.ts';
import {
  MAIL_REQUESTED,
  type MailRequest,
  openMailRequest,
  openResetRequest,
  PASSWORD_RESET_REQUESTED,
} from './requests.ts';
import { type MailLinks, renderMail, templateOf } from './templates.ts';

export const MAIL_CONSUMER = 'identity-mail';
/** A sender holds a delivery this long; past it another process may send it. */
const LEASE_MS = 2 * 60_000;
const BATCH = 20;
/** How often due deliveries (retries) are looked for when nothing wakes the sender. */
const SEND_INTERVAL_MS = 2_000;
/** Tries before a mail counts as failed: about a day and a half of backoff in all. */
export const MAX_ATTEMPTS = 10;
const FIRST_RETRY_MS = 30_000;
const LONGEST_RETRY_MS = 6 * 60 * 60_000;

/** Wait before try number `attempts + 1`: 30 s, 1 min, 2 min, … at most 6 h. */
export const retryDelayMs = (attempts: number) =>
  Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), LONGEST_RETRY_MS);

const sealAad = (eventId: number) => `mail-delivery:${eventId}`;

export interface Mailer {
  consumer: OutboxConsumer;
  /** Sends what is due now; resolves with how many were tried. */
  sendDue(): Promise<number>;
  wake(): void;
  start(): void;
  stop(): Promise<void>;
}

export function createMailer(
  deps: Pick<IdentityDeps, 'db' | 'masterKey' | 'now' | 'logger' | 'config'>,
  transport: MailTransport,
  throttles: AccountThrottles,
): Mailer {
  const { db } = deps;
  const logger = deps.logger.child({ component: 'mailer' });
  const fromDomain = /@([^>\s]+)>?$/.exec(deps.config.mail.from)?.[1] ?? 'calos.localhost';

  /** Queues one mail for an event, minting its link if it has one; false when none is due. */
  async function queue(tx: Queryable, eventId: number, request: MailRequest, user: UserRow | undefined) {
    const template = templateOf(request.app, request.kind);
    if (!template) {
      logger.warn({ app: request.app, kind: request.kind, eventId }, 'no mail template; event skipped');
      return false;
    }
    if (!user) return false;
    if (template.category !== 'security' && (await isOptedOut(tx, user.user_id, template.category))) {
      return false;
    }
    const now = deps.now();
    const to = request.to ?? user.email;
    const secrets: { token?: string } = {};
    let expiresAt: Date | null = null;
    if (template.link) {
      const token = randomToken();
      expiresAt = new Date(now.getTime() + template.link.ttlMs);
      // A newer reset link replaces the older ones.
      if (template.link.purpose === 'password_reset')
        await voidAccountTokens(tx, user.user_id, 'password_reset', now);
      await insertAccountToken(tx, {
        tokenHash: hashToken(token),
        userId: user.user_id,
        purpose: template.link.purpose,
        email: template.link.purpose === 'email_verify' ? to : undefined,
        createdAt: now,
        expiresAt,
      });
      secrets.token = token;
    }
    return insertDelivery(tx, {
      eventId,
      userId: user.user_id,
      app: request.app,
      kind: request.kind,
      to,
      locale: user.locale,
      data: {
        username: user.username,
        email: to,
        ...request.data,
        console_url: request.consoleUrl,
        sealed: seal(deps.masterKey, JSON.stringify(secrets), sealAad(eventId)),
      },
      messageId: `<mail-${eventId}.${randomToken(9)}@${fromDomain}>`,
      expiresAt,
      now,
    });
  }

  async function handle(event: StoredOutboxEvent): Promise<void> {
    if (event.topic !== MAIL_REQUESTED && event.topic !== PASSWORD_RESET_REQUESTED) return;
    let queued = false;
    try {
      queued = await db.transaction(async (tx) => {
        if (await deliveryExists(tx, event.eventId)) return false;
        if (event.topic === MAIL_REQUESTED) {
          const request = openMailRequest(deps.masterKey, event.payload);
          return queue(tx, event.eventId, request, await findUserById(tx, request.userId));
        }
        const reset = openResetRequest(deps.masterKey, event.payload);
        const user = await findUserByLogin(tx, reset.login.trim());
        if (!user) return false;
        const origin = { ip: reset.ip, userAgent: reset.user_agent };
        // Beyond the limit the person gets no more links; the request was answered the same.
        const allowed = await throttles.take('resetLinksPerAccount', user.user_id);
        await recordAudit(tx, user.user_id, 'password.reset_requested', origin, { mailed: allowed });
        if (!allowed) return false;
        return queue(
          tx,
          event.eventId,
          { app: 'calos', kind: 'password_reset', userId: user.user_id, consoleUrl: reset.console_url },
          user,
        );
      });
    } catch (error) {
      // An event that can never be read (sealed under another master key) must not hold up
      // every mail after it; a database failure is retried by the consumer.
      if (isAppError(error) && error.status === 500 && /^(SECRET_|MASTER_KEY_)/.test(error.code)) {
        logger.error({ eventId: event.eventId, code: error.code }, 'mail event cannot be opened; skipped');
        return;
      }
      throw error;
    }
    if (queued) wake();
  }

  function compose(delivery: DeliveryRow) {
    const template = templateOf(delivery.app, delivery.kind);
    if (!template)
      throw Object.assign(new Error(`no template ${delivery.app}/${delivery.kind}`), { permanent: true });
    const {
      sealed,
      console_url: consoleUrl,
      ...data
    } = delivery.data as Record<string, unknown> & {
      sealed?: string;
      console_url: string;
    };
    const secrets = sealed
      ? (JSON.parse(open(deps.masterKey, sealed, sealAad(delivery.event_id))) as { token?: string })
      : {};
    const links: MailLinks = { account: consoleUrl };
    if (template.link && secrets.token)
      links.action = consoleLink(consoleUrl, template.link.view, { token: secrets.token });
    const headers: Record<string, string> = { 'Auto-Submitted': 'auto-generated' };
    if (template.category !== 'security' && delivery.user_id) {
      const token = unsubscribeToken(deps.masterKey, delivery.user_id, template.category);
      links.unsubscribe = consoleLink(consoleUrl, 'unsubscribe', { token });
      // RFC 8058: mail programs POST "List-Unsubscribe=One-Click" to this address.
      const oneClick = new URL(`${identityApiRoot(deps.config.hosts, consoleUrl)}/api/mail/unsubscribe`);
      oneClick.searchParams.set('token', token);
      headers['List-Unsubscribe'] = `<${oneClick.toString()}>`;
      headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
    }
    const rendered = renderMail(delivery.app, template, delivery.locale, data, links);
    return {
      to: delivery.to_address,
      ...rendered,
      messageId: delivery.message_id,
      headers,
      kind: delivery.kind,
      date: deps.now(),
    };
  }

  async function sendOne(delivery: DeliveryRow): Promise<void> {
    const now = deps.now();
    if (delivery.expires_at && delivery.expires_at <= now) {
      await markDeliveryExpired(db, delivery.delivery_id);
      logger.info(
        { deliveryId: delivery.delivery_id, kind: delivery.kind },
        'mail expired before it could be sent',
      );
      return;
    }
    try {
      await transport.send(compose(delivery));
      await markDeliverySent(db, delivery.delivery_id, deps.now());
      logger.info({ deliveryId: delivery.delivery_id, kind: delivery.kind }, 'mail sent');
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const giveUp = isPermanentMailError(error) || delivery.attempts >= MAX_ATTEMPTS;
      const retryAt = giveUp ? null : new Date(now.getTime() + retryDelayMs(delivery.attempts));
      await markDeliveryFailed(db, delivery.delivery_id, message, retryAt);
      logger.warn(
        {
          deliveryId: delivery.delivery_id,
          kind: delivery.kind,
          attempts: delivery.attempts,
          error: message,
          retryAt,
        },
        giveUp ? 'mail failed for good' : 'mail not sent; will retry',
      );
    }
  }

  let sending: Promise<number> | undefined;
  let again = false;
  async function sendDueOnce(): Promise<number> {
    let tried = 0;
    for (;;) {
      const due = await claimDueDeliveries(db, deps.now(), LEASE_MS, BATCH);
      for (const delivery of due) await sendOne(delivery);
      tried += due.length;
      if (due.length < BATCH) return tried;
    }
  }
  const sendDue = (): Promise<number> => {
    if (sending) {
      again = true;
      return sending;
    }
    sending = sendDueOnce().finally(() => {
      sending = undefined;
      if (again) {
        again = false;
        void sendDue().catch(() => undefined);
      }
    });
    return sending;
  };

  let timer: NodeJS.Timeout | undefined;
  let stopped = true;
  const tick = () => {
    sendDue()
      .catch((error: unknown) => logger.warn({ err: error }, 'mail sender failed; retrying'))
      .finally(() => {
        if (stopped) return;
        timer = setTimeout(tick, SEND_INTERVAL_MS);
        timer.unref();
      });
  };
  function wake() {
    if (stopped || transport.mode === 'held') return;
    void sendDue().catch((error: unknown) => logger.warn({ err: error }, 'mail sender failed; retrying'));
  }

  const consumer = createOutboxConsumer({
    name: MAIL_CONSUMER,
    source: {
      pull: (name, limit) => pullEvents(db, name, limit),
      ack: (name, eventId) => ackEvent(db, name, eventId),
    },
    handle,
    logger,
    intervalMs: 1_000,
  });

  return {
    consumer,
    sendDue,
    wake,
    start() {
      stopped = false;
      consumer.start();
      // Without a relay in production, mails wait in the queue (see the start-up notice).
      if (transport.mode !== 'held') tick();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await consumer.stop();
      await sending?.catch(() => undefined);
      transport.close();
    },
  };
}
