import { describe, expect, it } from 'vitest';
import { redactUrl, withoutStatementValues } from './logging.ts';

describe('redactUrl', () => {
  it('keeps the shape of a URL and drops its secrets', () => {
    expect(redactUrl('/setup?token=abc')).toBe('/setup?[…]');
    expect(redactUrl('/invite/s3cr3t')).toBe('/invite/[redacted]');
    expect(redactUrl('/invite/s3cr3t/accept?x=1')).toBe('/invite/[redacted]/accept?[…]');
    expect(redactUrl('/admin/members/12')).toBe('/admin/members/12');
  });
});

describe('withoutStatementValues', () => {
  it("drops a failed statement's values from the message, the stack, the fields and the causes", () => {
    const cause = Object.assign(new Error('duplicate key value violates unique constraint "k"'), {
      code: '23505',
      constraint: 'k',
      detail: 'Key (password_hash)=(s3cret-hash) already exists.',
      params: ['s3cret-hash'],
    });
    const err = Object.assign(new Error('Failed query: insert into t (h) values ($1)\nparams: s3cret-hash'), {
      query: 'insert into t (h) values ($1)',
      params: ['s3cret-hash'],
      cause,
    });
    const clean = withoutStatementValues(err);
    const shown = JSON.stringify({
      ...clean,
      message: clean.message,
      stack: clean.stack,
      cause: clean.cause,
    });
    expect(shown).not.toContain('s3cret');
    expect(clean.message).toBe('Failed query: insert into t (h) values ($1)');
    expect(clean.stack).toContain('Failed query: insert into t (h) values ($1)');
    expect((clean.cause as typeof cause).code).toBe('23505');
    expect((clean.cause as typeof cause).constraint).toBe('k');
    expect(err.params).toEqual(['s3cret-hash']); // the original is left alone
  });
});
