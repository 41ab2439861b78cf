import { describe, expect, it } from 'vitest';
import { invitationRenderer } from '../../src/domain/email/invitationTemplates.ts';
import { newInvitationSecret } from '../../src/domain/invitations/invitationSecrets.ts';
import { renderInvitationEmail } from '../../src/email/templates/invitation.tsx';

/**
 * Delivery renders a batch's invitations from one rendering per shape (invitationTemplates): every
 * message must be byte for byte what the template itself renders, whatever the names hold.
 */
const PORTAL = 'https://portal.example.org/a&b?x="1"';
const linkTo = (token: string) => `${PORTAL}/invite/${token}`;

const names = [
  'Pat',
  '',
  'Zoë',
  'O\'Brien & <Sons> "Ltd"',
  '&amp; &lt;b&gt;',
  '{{gatehouse-secret:0}}',
  '$& $1 $$',
  'Ünïcødé 名前 🙂',
  'two\nlines',
  ' spaced  ',
];
const shapes = [
  { orgName: 'Gatehouse', inviterName: 'Ada Admin', reminder: false, message: null },
  { orgName: 'R&D <Club> "Ltd"', inviterName: 'R&D <Club> "Ltd"', reminder: true, message: null },
  { orgName: 'Club', inviterName: 'Ann & Bo', message: 'Dear member,\n\nJoin us & <b>now</b>.' },
];

describe('invitations rendered from one rendering per shape', () => {
  it('match the full render for every name, shape, link and code', () => {
    const render = invitationRenderer(linkTo);
    const expiresAt = new Date('2026-12-05T11:00:00Z');
    for (const shape of shapes)
      for (const [i, firstName] of names.entries()) {
        const secret = newInvitationSecret(i + 1);
        const input = { ...shape, firstName, expiresAt, portalUrl: PORTAL };
        const fast = render({ ...input, token: secret.token, code: secret.code });
        const full = renderInvitationEmail({ ...input, link: linkTo(secret.token), code: secret.code });
        expect(fast).toEqual(full);
      }
  });

  it('renders a new shape when the expiry differs', () => {
    const render = invitationRenderer(linkTo);
    const base = { ...shapes[0]!, firstName: 'Pat', portalUrl: PORTAL, token: 'tok', code: 'ABCD-EFGH' };
    const a = render({ ...base, expiresAt: new Date('2026-12-05T11:00:00Z') });
    const b = render({ ...base, expiresAt: new Date('2027-01-09T08:30:00Z') });
    expect(a.text).toContain('5 December 2026 at 11:00 UTC');
    expect(b.text).toContain('9 January 2027 at 08:30 UTC');
    expect(b).toEqual(
      renderInvitationEmail({ ...base, link: linkTo('tok'), expiresAt: new Date('2027-01-09T08:30:00Z') }),
    );
  });

  it('renders in full a token or code that would need escaping', () => {
    const render = invitationRenderer(linkTo);
    const input = { ...shapes[1]!, firstName: 'Pat', expiresAt: new Date(), portalUrl: PORTAL };
    const odd = render({ ...input, token: 'a&b"<c', code: 'A<B' });
    expect(odd).toEqual(renderInvitationEmail({ ...input, link: linkTo('a&b"<c'), code: 'A<B' }));
  });
});
