// A real SMTP server on loopback (smtp-server) for tests: what the platform sends through
// nodemailer arrives here and is read back with mailparser, as a mailbox would read it.
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string;
  from: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  /** Header values as sent, by lower-case name (unfolded). */
  headers: Map<string, string>;
  /** Every http(s) link in the plain-text body, in order. */
  links: string[];
  parsed: ParsedMail;
}

export interface TestMailbox {
  /** CALOS_SMTP_URL for the platform under test. */
  url: string;
  received: ReceivedMail[];
  /** The next `count` messages are refused with a transient 451 (the sender should retry). */
  refuseNext(count: number, code?: number): void;
  /** Waits for a mail matching `match` that arrived after `since` mails (default: any). */
  waitFor(
    match: (mail: ReceivedMail) => boolean,
    options?: { timeoutMs?: number; since?: number },
  ): Promise<ReceivedMail>;
  /** Mails to an address, oldest first. */
  to(address: string): ReceivedMail[];
  close(): Promise<void>;
}

const headerText = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'text' in value) return String((value as { text: unknown }).text);
  if (value && typeof value === 'object' && 'value' in value)
    return String((value as { value: unknown }).value);
  return String(value);
};

export async function startTestMailbox(): Promise<TestMailbox> {
  const received: ReceivedMail[] = [];
  let refusals = 0;
  let refusalCode = 451;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (parsed) => {
          if (refusals > 0) {
            refusals--;
            callback(Object.assign(new Error('Try again later'), { responseCode: refusalCode }));
            return;
          }
          const text = parsed.text ?? '';
          const headers = new Map<string, string>();
          for (const line of parsed.headerLines) {
            headers.set(
              line.key,
              line.line
                .slice(line.line.indexOf(':') + 1)
                .replace(/\r?\n[ \t]+/g, ' ')
                .trim(),
            );
          }
          received.push({
            to: headerText(parsed.to),
            from: headerText(parsed.from),
            subject: parsed.subject ?? '',
            text,
            html: parsed.html || '',
            messageId: parsed.messageId ?? '',
            headers,
            links: text.match(/https?:\/\/[^\s<>"]+/g) ?? [],
            parsed,
          });
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    refuseNext(count, code = 451) {
      refusals = count;
      refusalCode = code;
    },
    async waitFor(match, options = {}) {
      const deadline = Date.now() + (options.timeoutMs ?? 15_000);
      for (;;) {
        const found = received.slice(options.since ?? 0).find(match);
        if (found) return found;
        if (Date.now() > deadline) {
          throw new Error(
            `no matching mail within ${options.timeoutMs ?? 15_000} ms; received: ${received
              .map((m) => `${m.to} "${m.subject}"`)
              .join(', ')}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    to: (address) => received.filter((m) => m.to.toLowerCase().includes(address.toLowerCase())),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
