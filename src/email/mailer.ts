import nodemailer from 'nodemailer';
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
};

export type SendOutcome =
  | { status: 'sent'; response: string }
  | { status: 'logged' }
  | { status: 'temporary'; error: string }
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

/** The mailer for this configuration: a pooled, rate-limited SMTP client, or the Email Log alone. */
export function createMailer(config: Config, options: MailerOptions = {}): Mailer {
  if (!config.smtpUrl) return logOnlyMailer;
  const transport = nodemailer.createTransport(
    smtpPoolOptions(config, options.timeoutMs ?? DEFAULT_SMTP_TIMEOUT_MS),
    { from: config.mailFrom },
  );
  return {
    delivers: true,
    async send(email) {
      try {
        const info = await transport.sendMail({
          to: email.to,
          subject: email.subject,
          text: email.text,
          html: email.html,
          headers: email.headers,
        });
        return { status: 'sent', response: info.response };
      } catch (err) {
        return classifySmtpError(err);
      }
    },
    async close() {
      transport.close();
    },
  };
}
