import { describe, expect, it } from 'vitest';
import { smtpPoolOptions } from './smtpOptions.ts';

describe('smtpPoolOptions', () => {
  it('pools SMTP_POOL_SIZE connections, with timeouts and no logging of traffic', () => {
    const o = smtpPoolOptions({ smtpUrl: 'smtp://mx.example:25', smtpPoolSize: 3 });
    expect(o).toMatchObject({
      pool: true,
      url: 'smtp://mx.example:25',
      maxConnections: 3,
      connectionTimeout: 30_000,
      greetingTimeout: 30_000,
      socketTimeout: 30_000,
      logger: false,
      debug: false,
      disableFileAccess: true,
      disableUrlAccess: true,
    });
  });

  it('leaves SMTP_RATE_LIMIT to the portal-wide pace: nodemailer limits each process on its own', () => {
    const o = smtpPoolOptions({
      smtpUrl: 'smtp://mx.example:25',
      smtpPoolSize: 3,
      smtpRateLimit: 0.5,
    } as never);
    expect(o.rateLimit).toBeUndefined();
    expect(o.rateDelta).toBeUndefined();
  });
});
