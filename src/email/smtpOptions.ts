import type { SMTPPoolOptions } from 'nodemailer';
import type { Config } from '../config.ts';

/** Long enough for a slow relay, short enough that a dead one frees the worker within a minute. */
export const DEFAULT_SMTP_TIMEOUT_MS = 30_000;

/**
 * Nodemailer's limiter counts messages per window (rateLimit per rateDelta ms). Whole rates use a one-second
 * window; fractional ones (0.5/s) become one message per 1/rate seconds. 0 means no limit.
 */
export function poolRateOptions(messagesPerSecond: number): Pick<SMTPPoolOptions, 'rateLimit' | 'rateDelta'> {
  if (!(messagesPerSecond > 0)) return {};
  if (Number.isInteger(messagesPerSecond)) return { rateLimit: messagesPerSecond, rateDelta: 1000 };
  return { rateLimit: 1, rateDelta: Math.max(1, Math.round(1000 / messagesPerSecond)) };
}

/** The pooled SMTP transport for SMTP_URL, SMTP_POOL_SIZE and SMTP_RATE_LIMIT. */
export function smtpPoolOptions(
  config: Pick<Config, 'smtpUrl' | 'smtpPoolSize' | 'smtpRateLimit'>,
  timeoutMs = DEFAULT_SMTP_TIMEOUT_MS,
): SMTPPoolOptions & { pool: true } {
  return {
    pool: true,
    url: config.smtpUrl,
    maxConnections: config.smtpPoolSize,
    // nodemailer reconnects every 100 messages by default; a Send All would spend its time reconnecting.
    maxMessages: 1000,
    ...poolRateOptions(config.smtpRateLimit),
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
