import { describe, expect, it } from 'vitest';
import { renderInvitationEmail } from './invitation.tsx';

const input = {
  orgName: 'Riverside Rowing Club',
  firstName: 'Ada',
  inviterName: 'Grace Hopper',
  link: 'https://portal.example.org/invite/AbC123_tokenValue-xyz',
  code: 'K7QX-4MPD',
  expiresAt: new Date('2026-02-14T09:00:00Z'),
  portalUrl: 'https://portal.example.org',
};

describe('renderInvitationEmail', () => {
  it('names the organisation in the subject', () => {
    expect(renderInvitationEmail(input).subject).toBe(
      'Your invitation to the Riverside Rowing Club member portal',
    );
  });

  it('says so when it comes from an automatic reminder round, without naming an admin', () => {
    const email = renderInvitationEmail({ ...input, inviterName: 'Automatic reminders', reminder: true });
    expect(email.subject).toBe('Reminder: your invitation to the Riverside Rowing Club member portal');
    expect(email.text).toContain(
      'A reminder from Riverside Rowing Club: you are invited to create your login',
    );
    expect(email.text).not.toContain('Automatic reminders');
    expect(email.text).toContain(input.link);
  });

  it('says who sent it, why, and carries link, code and expiry in the plain-text part', () => {
    const { text } = renderInvitationEmail(input);
    expect(text).toContain('Hello Ada,');
    expect(text).toContain(
      'Grace Hopper of Riverside Rowing Club invites you to create your login for the Riverside Rowing Club member portal.',
    );
    expect(text).toContain(input.link);
    expect(text).toContain('K7QX-4MPD');
    expect(text).toContain('https://portal.example.org/invite and type this invitation code');
    expect(text).toContain('email address or member number');
    expect(text).toContain('Saturday, 14 February 2026 at 09:00 UTC');
  });

  it('carries the same in the HTML part, with a real link text and the URL shown as text', () => {
    const { html } = renderInvitationEmail(input);
    expect(html.startsWith('<!doctype html><html lang="en">')).toBe(true);
    expect(html).toContain(`<a href="${input.link}"`);
    expect(html).toMatch(/>\s*Create your login\s*<\/a>/);
    expect(html).toMatch(new RegExp(`>${input.link.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}</a>`));
    expect(html).toContain('K7QX-4MPD');
    expect(html).toContain('Saturday, 14 February 2026 at 09:00 UTC');
    expect(html).toContain('Grace Hopper of Riverside Rowing Club invites you');
    expect(html).not.toContain('<style');
  });

  it('escapes names in the HTML part', () => {
    const { html, subject, text } = renderInvitationEmail({
      ...input,
      firstName: '<script>alert(1)</script>',
      inviterName: 'Eve "<img src=x onerror=alert(2)>"',
      orgName: 'Tom & Jerry <Club>',
    });
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script>alert(1)&lt;/script>');
    expect(html).toContain('Tom &amp; Jerry &lt;Club>');
    // Plain text is not HTML: it shows names exactly as written.
    expect(text).toContain('Hello <script>alert(1)</script>,');
    expect(subject).toBe('Your invitation to the Tom & Jerry <Club> member portal');
  });

  it('keeps the subject on one line whatever the organisation is called', () => {
    expect(renderInvitationEmail({ ...input, orgName: 'Two\r\nLines' }).subject).not.toMatch(/[\r\n]/);
  });
});
