import { describe, expect, it } from 'vitest';
import { renderUsernameChangedEmail } from './usernameChanged.tsx';

const input = {
  orgName: 'Riverside Rowing Club',
  firstName: 'Ada',
  username: 'ada.lovelace',
  portalUrl: 'https://portal.example.org',
};

describe('renderUsernameChangedEmail', () => {
  it('says an administrator changed it, shows the new username and what to do if unexpected', () => {
    const { subject, text, html } = renderUsernameChangedEmail(input);
    expect(subject).toBe('Your username for the Riverside Rowing Club member portal has changed');
    expect(text).toContain('An administrator of Riverside Rowing Club has changed the username');
    expect(text).toContain('Your new username is:\nada.lovelace');
    expect(text).toContain('If you did not expect this change, contact Riverside Rowing Club');
    expect(html).toContain('>ada.lovelace</span>');
    expect(html).toContain('If you did not expect this change');
  });
});
