import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { emailMessages } from '../../src/db/schema.ts';
import { deliverDueEmail } from '../../src/domain/email/deliverDueEmail.ts';
import { sendInvitation } from '../../src/domain/invitations/queueInvitations.ts';
import { createMailer } from '../../src/email/mailer.ts';
import { browser, buildLogin, buildMember } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { type Page, readPage } from '../page.ts';

// No SMTP_URL: the invitation is kept in the Email Log, the portal's local mailbox.
const app = useTestApp();
const LOG = '/admin/email-log';
const invitePathIn = (text: string) => /\/invite\/([\w-]{20,})/.exec(text)?.[0];

async function keptInvitation() {
  const member = await buildMember(app, { firstName: 'Grace' });
  const sender = await buildLogin(app, { role: 'admin' });
  await sendInvitation(app.deps, sender.actor, member.id);
  await deliverDueEmail(app.deps, createMailer(app.config));
  const [message] = await app.deps.db
    .select()
    .from(emailMessages)
    .where(eq(emailMessages.kind, 'invitation'));
  return message!;
}

async function signedIn(role: 'admin' | 'security_admin') {
  const login = await buildLogin(app, { role });
  const b = browser(await app.server());
  await b.logIn(login.username, login.password);
  return b;
}

/** The HTML preview: its sandbox, and the document it shows (parsed, as the frame would). */
function preview(page: Page) {
  const frame = page.getByTitle('HTML version of the message');
  const shown = readPage(frame.getAttribute('srcdoc')!);
  return {
    sandbox: (frame.getAttribute('sandbox') ?? '').split(' ').filter(Boolean).sort(),
    baseTarget: shown.container.ownerDocument.querySelector('base')?.getAttribute('target') ?? null,
    links: shown.queryAllByRole('link').map((a) => a.getAttribute('href')),
  };
}

describe('Email Log as the local mailbox: links in a kept message', () => {
  it('opens the revealed invitation link in a new tab from both the text and the HTML version', async () => {
    const message = await keptInvitation();
    const security = await signedIn('security_admin');
    const revealed = await security.submit(`${LOG}/${message.id}`, `${LOG}/${message.id}/reveal`, {});
    expect(revealed.statusCode).toBe(200);
    const page = readPage(revealed.body);
    const url = `http://portal.test${invitePathIn(revealed.body)!}`;

    const textLink = page.inside(page.getByRole('region', { name: 'Plain-text version' })).getByRole('link', {
      name: url,
    });
    expect([textLink.getAttribute('target'), textLink.getAttribute('rel')]).toEqual([
      '_blank',
      'noopener noreferrer',
    ]);

    // Followed inside the frame, the link would load a portal page that refuses to be framed (the broken
    // frame): it opens in a new tab instead, outside the sandbox, still with no scripts or forms in the frame.
    const html = preview(page);
    expect(html.sandbox).toEqual(['allow-popups', 'allow-popups-to-escape-sandbox']);
    expect(html.baseTarget).toBe('_blank');
    expect(html.links).toContain(url);
    expect(page.text).toContain('Links in the message open in a new tab.');
  });

  it('keeps the links of a hidden invitation going nowhere, with a frame that may open nothing', async () => {
    const message = await keptInvitation();
    const admin = await signedIn('admin');
    const res = await admin.get(`${LOG}/${message.id}`);
    // The secret appears nowhere in the answer, the frame's document included (bytes matter here).
    expect(invitePathIn(res.body)).toBeUndefined();
    const html = preview(readPage(res.body));
    expect(html.sandbox).toEqual([]);
    expect(html.baseTarget).toBeNull();
    expect(html.links.every((href) => !href?.includes('/invite/'))).toBe(true);
    expect(readPage(res.body).text).not.toContain('Links in the message open in a new tab.');
  });
});
