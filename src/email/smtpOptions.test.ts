import { describe, expect, it } from 'vitest';
import { poolRateOptions, smtpPoolOptions } from './smtpOptions.ts';

describe('poolRateOptions', () => {
  it('sets no limit for 0', () => expect(poolRateOptions(0)).toEqual({}));
  it('counts whole rates per second', () =>
    expect(poolRateOptions(10)).toEqual({ rateLimit: 10, rateDelta: 1000 }));
  it('spaces fractional rates out one message at a time', () => {
    expect(poolRateOptions(0.5)).toEqual({ rateLimit: 1, rateDelta: 2000 });
    expect(poolRateOptions(2.5)).toEqual({ rateLimit: 1, rateDelta: 400 });
  });
});

describe('smtpPoolOptions', () => {
  it('pools SMTP_POOL_SIZE connections, with timeouts and no logging of traffic', () => {
    const o = smtpPoolOptions({ smtpUrl: 'smtp://mx.example:25', smtpPoolSize: 3, smtpRateLimit: 0 });
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
    expect(o.rateLimit).toBeUndefined();
  });
});
