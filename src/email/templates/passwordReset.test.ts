import { describe, expect, it } from 'vitest';
import { renderPasswordResetEmail } from './passwordReset.tsx';

const input = {
  orgName: 'Riverside Rowing Club',
  firstName: 'Ada',
  username: 'ada.l',
  link: 'https://portal.example.org/reset-password/AbC123_tokenValue-xyz',
  expiresAt: new Date('2026-02-14T10:00:00Z'),
  portalUrl: 'https://portal.example.org',
};

describe('renderPasswordResetEmail', () => {
  it('names the organisation, the login, the link and when it stops working in the plain text', () => {
    const { subject, text } = renderPasswordResetEmail(input);
    expect(subject).toBe('Set a new password for the Riverside Rowing Club member portal');
    expect(text).toContain('Hello Ada,');
    expect(text).toContain('your login "ada.l"');
    expect(text).toContain(input.link);
    expect(text).toContain('until Saturday, 14 February 2026 at 10:00 UTC');
    expect(text).toContain('https://portal.example.org/forgot-password');
    expect(text).toContain('you can ignore this email');
  });

  it('carries the same link in the HTML part and escapes names', () => {
    const { html } = renderPasswordResetEmail({ ...input, firstName: '<b>Eve</b>', orgName: 'A & B' });
    expect(html).toContain(`<a href="${input.link}"`);
    expect(html).toMatch(/>\s*Set a new password\s*<\/a>/);
    expect(html).toContain('&lt;b>Eve&lt;/b>');
    expect(html).toContain('A &amp; B');
    expect(html).not.toContain('<b>Eve');
  });
});
