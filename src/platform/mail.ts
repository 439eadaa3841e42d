// Outbound email, the wire part: nodemailer over SMTP (CALOS_SMTP_URL), or, in development
// without a relay, each mail written as an .eml file (and a JSON summary) to <data dir>/mail,
// which /calos/dev/mail lists. In production without a relay nothing is sent: mails wait.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Config } from './config.ts';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Stable per mail: a copy that is sent again carries the same id, so mailboxes can drop it. */
  messageId: string;
  headers?: Record<string, string>;
  /** What the mail is, for the development listing. */
  kind: string;
  date: Date;
}

export interface MailTransport {
  /** smtp: a relay; files: the data dir (development); held: nothing is sent (production, no relay). */
  readonly mode: 'smtp' | 'files' | 'held';
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/** Whether a failure will not go away by trying again (the relay refused for good). */
export const isPermanentMailError = (error: unknown): boolean =>
  (error as { permanent?: unknown }).permanent === true;

export const devMailDir = (config: Pick<Config, 'dataDir'>) => path.join(config.dataDir, 'mail');

export function createMailTransport(config: Pick<Config, 'mail' | 'dataDir' | 'nodeEnv'>): MailTransport {
  const message = (mail: OutgoingMail) => ({
    from: config.mail.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: mail.messageId,
    date: mail.date,
    headers: mail.headers,
  });

  if (config.mail.smtpUrl) {
    const transporter = nodemailer.createTransport(config.mail.smtpUrl);
    return {
      mode: 'smtp',
      async send(mail) {
        await transporter.sendMail(message(mail));
      },
      close: () => transporter.close(),
    };
  }

  if (config.nodeEnv === 'production') {
    return {
      mode: 'held',
      async send() {
        throw new Error('CALOS_SMTP_URL is not set: mails are kept until a relay is configured');
      },
      close() {},
    };
  }

  const dir = devMailDir(config);
  const writer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    mode: 'files',
    async send(mail) {
      const info = await writer.sendMail(message(mail));
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const base = `${mail.date.toISOString().replace(/[:.]/g, '-')}-${mail.kind}-${mail.messageId.replace(/[^A-Za-z0-9]/g, '').slice(0, 24)}`;
      writeFileSync(path.join(dir, `${base}.eml`), info.message as Buffer, { mode: 0o600 });
      const summary: DevMail = {
        id: base,
        to: mail.to,
        subject: mail.subject,
        kind: mail.kind,
        date: mail.date.toISOString(),
        text: mail.text,
        links: [...new Set(mail.text.match(/https?:\/\/\S+/g) ?? [])],
      };
      writeFileSync(path.join(dir, `${base}.json`), JSON.stringify(summary, null, 2), { mode: 0o600 });
    },
    close: () => writer.close(),
  };
}

export interface DevMail {
  id: string;
  to: string;
  subject: string;
  kind: string;
  date: string;
  text: string;
  links: string[];
}

/** The mails written to the data dir, newest first. */
export function listDevMails(config: Pick<Config, 'dataDir'>, limit = 50): DevMail[] {
  const dir = devMailDir(config);
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.json'));
  } catch {
    return [];
  }
  return names
    .sort()
    .reverse()
    .slice(0, limit)
    .flatMap((name) => {
      try {
        return [JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as DevMail];
      } catch {
        return [];
      }
    });
}

/** One written mail as it would have been sent (RFC 5322), or undefined. */
export function readDevMail(config: Pick<Config, 'dataDir'>, id: string): Buffer | undefined {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(id)) return undefined;
  try {
    return readFileSync(path.join(devMailDir(config), `${id}.eml`));
  } catch {
    return undefined;
  }
}
