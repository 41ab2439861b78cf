import { describe, expect, it } from 'vitest';
import { renderUsernameReminderEmail } from './usernameReminder.tsx';

const input = {
  orgName: 'Riverside Rowing Club',
  firstName: 'Ada',
  username: 'ada.l',
  portalUrl: 'https://portal.example.org',
};

describe('renderUsernameReminderEmail', () => {
  it('gives the username and the way back in, in both parts', () => {
    const { subject, text, html } = renderUsernameReminderEmail(input);
    expect(subject).toBe('Your username for the Riverside Rowing Club member portal');
    expect(text).toContain('Your username is:\nada.l');
    expect(text).toContain('https://portal.example.org/login');
    expect(text).toContain('https://portal.example.org/forgot-password');
    expect(html).toContain('>ada.l</span>');
    expect(html).toContain('href="https://portal.example.org/login"');
  });

  it('carries no link that could change the login', () => {
    const { text } = renderUsernameReminderEmail(input);
    expect(text).not.toMatch(/reset-password\/|invite\//);
  });
});
