import type { SMTPPoolOptions } from 'nodemailer';
import type { Config } from '../config.ts';

/** Long enough for a slow relay, short enough that a dead one frees the worker within a minute. */
export const DEFAULT_SMTP_TIMEOUT_MS = 30_000;

/**
 * The pooled SMTP transport for SMTP_URL and SMTP_POOL_SIZE. It has no rate limit of its own: nodemailer's
 * limiter belongs to one transport, so each worker process had its own budget, and at the end of each
 * window it lets every waiting connection go at once (2.65 msg/s observed at 0.5/s). SMTP_RATE_LIMIT is
 * kept portal-wide by the delivery loop instead (domain/email/smtpPace.ts).
 */
export function smtpPoolOptions(
  config: Pick<Config, 'smtpUrl' | 'smtpPoolSize'>,
  timeoutMs = DEFAULT_SMTP_TIMEOUT_MS,
): SMTPPoolOptions & { pool: true } {
  return {
    pool: true,
    url: config.smtpUrl,
    maxConnections: config.smtpPoolSize,
    // nodemailer reconnects every 100 messages by default; a Send All would spend its time reconnecting.
    maxMessages: 1000,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    dnsTimeout: timeoutMs,
    // Messages are built from our own templates only; never let content make the mailer read files or URLs.
    disableFileAccess: true,
    disableUrlAccess: true,
    // Nodemailer's logger would print recipients and, with debug, whole messages (secret links included).
    logger: false,
    debug: false,
  };
}
