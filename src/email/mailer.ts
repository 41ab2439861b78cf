import { randomUUID } from 'node:crypto';
import { Transform } from 'node:stream';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import type { Config } from '../config.ts';
import { classifySmtpError } from './classifySmtpError.ts';
import { parseMailFrom } from './mailFrom.ts';
import { DEFAULT_SMTP_TIMEOUT_MS, smtpPoolOptions } from './smtpOptions.ts';

export { classifySmtpError } from './classifySmtpError.ts';

export type OutgoingEmail = {
  to: string;
  subject: string;
  text: string;
  html: string;
  headers?: Record<string, string>;
  /** The From header (Organisation settings' sender name, MAIL_FROM's address); absent: MAIL_FROM. */
  from?: { name: string; address: string };
  replyTo?: string;
};

export type SendOutcome =
  | { status: 'sent'; response: string }
  | { status: 'logged' }
  /**
   * `mayHaveArrived`: the connection was lost after the whole message had gone to the server but before
   * it answered (RFC 1047) — the server may have accepted it, so a retry may deliver a second copy.
   */
  | { status: 'temporary'; error: string; mayHaveArrived?: boolean }
  | { status: 'permanent'; error: string };

export type Mailer = {
  /** False when no SMTP server is configured: messages then live only in the Email Log. */
  readonly delivers: boolean;
  /** Never throws for delivery problems; they come back as 'temporary' or 'permanent'. */
  send(email: OutgoingEmail): Promise<SendOutcome>;
  close(): Promise<void>;
};

export type MailerOptions = {
  /** Connection, greeting and socket timeouts (tests shorten them to see a stalled server give up). */
  timeoutMs?: number;
};

/**
 * Without SMTP_URL the portal still "sends": the caller keeps each message in the Email Log, where an
 * admin can read it. This is what `npm start` does out of the box.
 */
const logOnlyMailer: Mailer = {
  delivers: false,
  send: async () => ({ status: 'logged' }),
  close: async () => {},
};

/**
 * The mailer for this configuration: a pooled SMTP client, or the Email Log alone. It sends as fast as it
 * is asked to: SMTP_RATE_LIMIT is the delivery loop's (portal-wide, see domain/email/smtpPace.ts).
 */
export function createMailer(config: Config, options: MailerOptions = {}): Mailer {
  if (!config.smtpUrl) return logOnlyMailer;
  const transport = nodemailer.createTransport(
    smtpPoolOptions(config, options.timeoutMs ?? DEFAULT_SMTP_TIMEOUT_MS),
    { from: config.mailFrom },
  );
  const defaultAddress = parseMailFrom(config.mailFrom).address;
  transport.use('stream', (mail, done) => {
    mail.message.transform(() => inOnePiece((mail.data as { onWholeMessage?: () => void }).onWholeMessage));
    done();
  });
  return {
    delivers: true,
    async send(email) {
      let whole = false;
      try {
        const info = await transport.sendMail({
          to: email.to,
          ...(email.from ? { from: email.from } : {}),
          ...(email.replyTo ? { replyTo: email.replyTo } : {}),
          subject: email.subject,
          text: email.text,
          html: email.html,
          headers: email.headers,
          // Our own Message-ID and MIME boundary, from randomUUID's pooled randomness: nodemailer would draw six
          // separate random buffers per message for them (about 5 % of a worker's CPU in a Send All).
          messageId: `<${randomUUID()}@${domainOf(email.from?.address ?? defaultAddress)}>`,
          baseBoundary: randomUUID().replaceAll('-', ''),
          onWholeMessage: () => {
            whole = true;
          },
        } as SendMailOptions);
        return { status: 'sent', response: info.response };
      } catch (err) {
        const failure = classifySmtpError(err);
        // A reply (4xx after the data) is a clear refusal; silence after the data is not (RFC 1047).
        const answered = typeof (err as { responseCode?: unknown }).responseCode === 'number';
        return whole && failure.status === 'temporary' && !answered
          ? { ...failure, mayHaveArrived: true }
          : failure;
      }
    },
    async close() {
      transport.close();
    },
  };
}

/**
 * Passes a message on in one piece and then says so. nodemailer streams a message as dozens of small
 * chunks, each its own write to the server's socket (about a fifth of a worker's CPU in a Send All); our
 * messages are a few kilobytes. `onWhole` tells a send that the whole message went towards the server,
 * so only the answer to the final dot is missing: nodemailer's errors do not say at which step a
 * connection was lost (RFC 1047, decision 0014).
 */
function inOnePiece(onWhole?: () => void): Transform {
  const chunks: Buffer[] = [];
  return new Transform({
    transform(chunk: Buffer, _encoding, next) {
      chunks.push(chunk);
      next();
    },
    flush(next) {
      this.push(Buffer.concat(chunks));
      onWhole?.();
      next();
    },
  });
}

/** The domain a Message-ID names: the sender address's, or `localhost` for an address without one. */
const domainOf = (address: string) =>
  address.includes('@') ? address.slice(address.lastIndexOf('@') + 1) : 'localhost';
