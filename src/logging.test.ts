import { describe, expect, it } from 'vitest';
import { redactUrl } from './logging.ts';

describe('redactUrl', () => {
  it('keeps the shape of a URL and drops its secrets', () => {
    expect(redactUrl('/setup?token=abc')).toBe('/setup?[…]');
    expect(redactUrl('/invite/s3cr3t')).toBe('/invite/[redacted]');
    expect(redactUrl('/invite/s3cr3t/accept?x=1')).toBe('/invite/[redacted]/accept?[…]');
    expect(redactUrl('/admin/members/12')).toBe('/admin/members/12');
  });
});
