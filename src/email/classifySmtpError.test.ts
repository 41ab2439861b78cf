import { describe, expect, it } from 'vitest';
import { classifySmtpError } from './classifySmtpError.ts';

/** An error shaped like the ones nodemailer hands back. */
const smtpError = (fields: Record<string, unknown>) =>
  Object.assign(new Error(String(fields.message ?? 'x')), fields);

describe('classifySmtpError', () => {
  it('treats a 4xx reply as temporary and keeps the server answer', () => {
    const r = classifySmtpError(
      smtpError({
        message: "Can't send mail - all recipients were rejected: 451 4.7.1 try again later",
        code: 'EENVELOPE',
        response: '451 4.7.1 try again later',
        responseCode: 451,
        permanent: false,
      }),
    );
    expect(r).toEqual({ status: 'temporary', error: '451 4.7.1 try again later' });
  });

  it('treats a 5xx reply as permanent with the server answer', () => {
    const r = classifySmtpError(
      smtpError({ code: 'EENVELOPE', response: '550 5.1.1 mailbox unavailable', responseCode: 550 }),
    );
    expect(r).toEqual({ status: 'permanent', error: '550 5.1.1 mailbox unavailable' });
  });

  it('treats 503 (bad sequence of commands) as temporary: the session was wrong, not the message', () => {
    expect(classifySmtpError(smtpError({ response: '503 bad sequence', responseCode: 503 })).status).toBe(
      'temporary',
    );
  });

  it("follows nodemailer's own permanent flag when it sets one", () => {
    expect(
      classifySmtpError(smtpError({ responseCode: 552, response: '552 x', permanent: false })).status,
    ).toBe('temporary');
  });

  it('builds the answer from code and message when the raw response is missing', () => {
    expect(classifySmtpError(smtpError({ message: 'mailbox full', responseCode: 452 }))).toEqual({
      status: 'temporary',
      error: '452 mailbox full',
    });
  });

  it("treats authentication failures as temporary: they are the portal's settings, not the member", () => {
    const r = classifySmtpError(
      smtpError({ code: 'EAUTH', response: '535 5.7.8 Authentication failed', responseCode: 535 }),
    );
    expect(r).toEqual({ status: 'temporary', error: 'EAUTH: 535 5.7.8 Authentication failed' });
  });

  it.each([
    ['ESOCKET', 'ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1'],
    ['ESOCKET', 'ECONNRESET', 'read ECONNRESET'],
    ['ETIMEDOUT', undefined, 'Greeting never received'],
    ['EDNS', 'ENOTFOUND', 'getaddrinfo ENOTFOUND smtp.invalid'],
    ['ECONNECTION', undefined, 'Connection closed unexpectedly'],
  ])('treats %s/%s without a reply as temporary', (code, originalCode, message) => {
    const r = classifySmtpError(smtpError({ code, originalCode, message }));
    expect(r.status).toBe('temporary');
    expect(r.error).toContain(message);
    expect(r.error).toContain(code);
  });

  it('does not repeat a code the message already names', () => {
    const r = classifySmtpError(
      smtpError({
        code: 'ESOCKET',
        originalCode: 'ECONNREFUSED',
        message: 'connect ECONNREFUSED 127.0.0.1:1',
      }),
    );
    expect(r.error).toBe('connect ECONNREFUSED 127.0.0.1:1 (ESOCKET)');
  });

  it('treats a recipient refused before sending as permanent', () => {
    expect(classifySmtpError(smtpError({ code: 'EENVELOPE', message: 'No recipients defined' })).status).toBe(
      'permanent',
    );
  });

  it('treats anything unknown as temporary, so the retry limit decides', () => {
    expect(classifySmtpError('boom')).toEqual({ status: 'temporary', error: 'boom' });
    expect(classifySmtpError(undefined).status).toBe('temporary');
  });

  it('keeps long multi-line answers to one readable line', () => {
    const response = `550-5.7.1 first line\r\n550 5.7.1 ${'x'.repeat(1000)}`;
    const r = classifySmtpError(smtpError({ response, responseCode: 550 }));
    expect(r.error.startsWith('550-5.7.1 first line 550 5.7.1 xxx')).toBe(true);
    expect(r.error.length).toBeLessThanOrEqual(500);
  });
});
