import { Transform } from 'node:stream';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import type { Config } from '../config.ts';
import { classifySmtpError } from './classifySmtpError.ts';
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
  // Tells each send when its whole message has been streamed towards the server (then only the answer
  // to the final dot is missing): nodemailer's errors do not say at which step a connection was lost.
  transport.use('stream', (mail, done) => {
    const onWhole = (mail.data as { onWholeMessage?: () => void }).onWholeMessage;
    if (onWhole)
      mail.message.transform(
        () =>
          new Transform({
            transform: (chunk, _encoding, next) => next(null, chunk),
            flush(next) {
              onWhole();
              next();
            },
          }),
      );
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
