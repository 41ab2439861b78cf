import { describe, expect, it } from 'vitest';
import { renderEmailChangedEmail } from './emailChanged.tsx';

describe('renderEmailChangedEmail', () => {
  it('names the login, says what moved to the new address and what to do if unexpected', () => {
    const { subject, text, html } = renderEmailChangedEmail({
      orgName: 'Riverside Rowing Club',
      firstName: 'Ada',
      username: 'ada.lovelace',
      portalUrl: 'https://portal.example.org',
    });
    expect(subject).toBe('The email address of your Riverside Rowing Club member portal login has changed');
    expect(text).toContain('Hello Ada,');
    expect(text).toContain('your login "ada.lovelace"');
    expect(text).toContain('password reset links, now go to the new address');
    expect(text).toContain('If you did not expect this change, contact Riverside Rowing Club');
    expect(html).toContain('<strong>If you did not expect this change');
  });
});
