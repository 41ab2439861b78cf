import path from 'node:path';
import { z } from 'zod';

/** Every setting Gatehouse reads from the environment (names are part of the public contract). */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .optional(),
  MAIL_FROM: z.string().min(3).default('Gatehouse <no-reply@localhost>'),
  ORG_NAME: z.string().min(1).max(120).default('Gatehouse'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PASSWORD_MIN_LENGTH: z.coerce.number().int().min(8).max(128).default(12),
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).default(60),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).default(12),
  STEP_UP_MINUTES: z.coerce.number().int().min(1).max(1440).default(5),
  UPLOAD_LIMIT_MB: z.coerce.number().int().min(1).default(100),
  FORM_LIMIT_KB: z.coerce.number().int().min(4).max(10_240).default(64),
  PUBLIC_POSTS_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  API_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  INVITE_EXPIRY_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  SMTP_POOL_SIZE: z.coerce.number().int().min(1).max(50).default(5),
  SMTP_RATE_LIMIT: z.coerce.number().min(0).default(0),
  DELIVERY_LEASE_SECONDS: z.coerce.number().int().min(1).default(300),
  // Waits after each temporary failure; one more attempt than waits (default: 6 attempts over ~4½ hours).
  EMAIL_RETRY_MINUTES: z
    .string()
    .regex(
      /^\s*\d+(\.\d+)?(\s*,\s*\d+(\.\d+)?){0,19}\s*$/,
      'must be 1 to 20 waits in minutes, separated by commas, e.g. 1,5,15,60,180',
    )
    .transform((list) => list.split(',').map(Number))
    .refine((waits) => waits.every((w) => w > 0), 'every wait must be more than 0 minutes')
    .default([1, 5, 15, 60, 180]),
  TRUST_PROXY: z.enum(['0', '1']).default('0'),
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
});

export type Config = {
  port: number;
  host: string;
  publicUrl: string;
  dataDir: string;
  databaseUrl: string | undefined;
  smtpUrl: string | undefined;
  mailFrom: string;
  orgName: string;
  logLevel: string;
  passwordMinLength: number;
  sessionIdleMs: number;
  sessionAbsoluteMs: number;
  /** Dangerous actions ask for the second step again when the session's last one is older than this. */
  stepUpMs: number;
  uploadLimitBytes: number;
  /** Every request body except the roster upload (which streams to disk up to uploadLimitBytes). */
  formLimitBytes: number;
  /** Flood protection: POSTs to public forms (login, forgot, invite, setup) per client address and minute. */
  publicPostsPerMinute: number;
  /** JSON API requests per token (per client address without a token) and minute. */
  apiRequestsPerMinute: number;
  inviteExpiryMs: number;
  smtpPoolSize: number;
  /** Messages per second at most (0: as fast as the server accepts). */
  smtpRateLimit: number;
  /** A message a worker claimed but did not finish within this time is given up as interrupted. */
  deliveryLeaseMs: number;
  /** The wait after the 1st, 2nd, … temporary failure; a message gets one attempt more than waits. */
  emailRetryDelaysMs: number[];
  /** Behind a reverse proxy: take the client address from X-Forwarded-For. */
  trustProxy: boolean;
  /** Secure cookies only make sense when people reach the portal over https. */
  secureCookies: boolean;
  /** Prometheus metrics on 127.0.0.1:metricsPort/metrics; unset = no metrics listener. */
  metricsPort?: number;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Parses the environment, reporting every problem at once rather than the first one. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings mean "unset" (a common result of `FOO= npm start`).
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    orgName: e.ORG_NAME,
    logLevel: e.LOG_LEVEL,
    passwordMinLength: e.PASSWORD_MIN_LENGTH,
    sessionIdleMs: e.SESSION_IDLE_MINUTES * 60_000,
    sessionAbsoluteMs: e.SESSION_ABSOLUTE_HOURS * 3_600_000,
    stepUpMs: e.STEP_UP_MINUTES * 60_000,
    uploadLimitBytes: e.UPLOAD_LIMIT_MB * 1024 * 1024,
    formLimitBytes: e.FORM_LIMIT_KB * 1024,
    publicPostsPerMinute: e.PUBLIC_POSTS_PER_MINUTE,
    apiRequestsPerMinute: e.API_REQUESTS_PER_MINUTE,
    inviteExpiryMs: e.INVITE_EXPIRY_DAYS * 86_400_000,
    smtpPoolSize: e.SMTP_POOL_SIZE,
    smtpRateLimit: e.SMTP_RATE_LIMIT,
    deliveryLeaseMs: e.DELIVERY_LEASE_SECONDS * 1000,
    emailRetryDelaysMs: e.EMAIL_RETRY_MINUTES.map((minutes) => Math.round(minutes * 60_000)),
    trustProxy: e.TRUST_PROXY === '1',
    secureCookies: publicUrl.startsWith('https:'),
    metricsPort: e.METRICS_PORT,
  };
}
