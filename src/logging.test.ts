import { describe, expect, it } from 'vitest';
import { createLogger, redactUrl, terminalDestination, withoutStatementValues } from './logging.ts';

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

describe('log output (issue 10, item 12)', () => {
  const captured = (isTTY: boolean) => {
    const written: string[] = [];
    return { isTTY, write: (text: string) => written.push(text), written };
  };

  it('stays JSON lines when stdout is not a terminal', () => {
    expect(terminalDestination(captured(false))).toBeUndefined();
    expect(terminalDestination({ write: () => true })).toBeUndefined();
  });

  it('is one readable line per event in a terminal, redacted like the JSON', () => {
    const out = captured(true);
    const logger = createLogger('info', terminalDestination(out));
    logger.info({ openAt: 'http://localhost:3000' }, 'listening on http://127.0.0.1:3000');
    logger.info(
      { req: { id: 'r1', method: 'GET', url: '/invite/s3cr3t?x=1', ip: '127.0.0.1' } },
      'incoming request',
    );
    logger.info({ res: { statusCode: 200 }, responseTime: 4.2 }, 'request completed');
    logger.warn({ queue: 'email-due', nested: { a: [1, 2] } }, 'job queue: database unreachable');
    logger.debug('not at this level');
    expect(out.written).toHaveLength(4);
    for (const event of out.written) {
      expect(event.endsWith('\n')).toBe(true);
      expect(event.slice(0, -1)).not.toContain('\n');
      expect(event).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] (INFO|WARN): /);
      expect(event).not.toMatch(/"level":|"pid":|"hostname":/);
    }
    expect(out.written[0]).toMatch(
      /INFO: listening on http:\/\/127\.0\.0\.1:3000 — open http:\/\/localhost:3000\n$/,
    );
    expect(out.written[1]).toContain('/invite/[redacted]?[…]');
    expect(out.written.join('')).not.toContain('s3cr3t');
  });
});
