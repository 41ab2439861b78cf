import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/rows.ts';
import { deliverDueEmail } from '../../src/domain/email/deliverDueEmail.ts';
import {
  onceWithinWindow,
  purgeOldFormSubmissions,
  REPEAT_WINDOW_MS,
} from '../../src/domain/forms/repeatSafeSubmission.ts';
import { queueOneInvitationIn } from '../../src/domain/invitations/queueInvitations.ts';
import { sendInvitationOnce } from '../../src/domain/invitations/repeatSafeSend.ts';
import { browser, buildLogin, buildMember } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { readPage } from '../page.ts';
import { useSmtpSink } from '../smtpSink.ts';

const app = useTestApp();
const smtp = useSmtpSink();
const PAGE = '/admin/member-management/invitation-codes';
const SEND_ALL = `${PAGE}/send-all`;

async function signedInAdmin() {
  const login = await buildLogin(app, { role: 'admin' });
  const b = browser(await app.server());
  await b.logIn(login.username, login.password);
  return { b, login };
}

/** The hidden fields a form sends back: its CSRF token and its repeat-safe key. */
function hiddenFields(form: HTMLFormElement) {
  const hidden = (name: string) =>
    form.querySelector<HTMLInputElement>(`input[type=hidden][name=${name}]`)?.value;
  return { _csrf: hidden('_csrf') ?? '', idempotency_key: hidden('idempotency_key') };
}

/** The fields of one row's Send form (the Send button of that row), as the Invitation Codes page showed them. */
async function rowForm(b: ReturnType<typeof browser>, memberId: number) {
  const page = readPage((await b.get(PAGE)).body);
  const forms = page
    .getAllByRole('button', { name: 'Send' })
    .map((button) => button.closest('form')!)
    .filter((form) => form.getAttribute('action') === `${PAGE}/${memberId}/send`);
  expect(forms).toHaveLength(1);
  expect(forms[0]!.getAttribute('method')).toBe('post');
  const fields = hiddenFields(forms[0]!);
  expect(fields._csrf).toBeTruthy();
  expect(fields.idempotency_key).toMatch(/^[0-9a-f-]{36}$/);
  return fields as { _csrf: string; idempotency_key: string };
}

/** The fields of the Send All confirmation form (its Send button). */
async function sendAllForm(b: ReturnType<typeof browser>) {
  const page = readPage((await b.get(SEND_ALL)).body);
  const form = page.getByRole('button', { name: /^Send \d+ invitations?$/ }).closest('form')!;
  expect([form.getAttribute('method'), form.getAttribute('action')]).toEqual(['post', SEND_ALL]);
  const fields = hiddenFields(form);
  expect(fields.idempotency_key).toBeDefined();
  return fields as { _csrf: string; idempotency_key: string };
}

/** POSTs exactly these fields (no fresh page in between), as a browser re-sending the same form would. */
async function post(b: ReturnType<typeof browser>, url: string, fields: Record<string, string>) {
  const server = await app.server();
  return server.inject({
    method: 'POST',
    url,
    headers: { cookie: b.cookies, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  });
}

const count = async (query: ReturnType<typeof sql>) =>
  (await queryRows(app.deps.db, query, { n: 'number' }))[0]!.n;
const invitationEmails = (memberId: number) =>
  count(sql`select count(*)::int as n from email_messages where member_id = ${memberId}`);
const auditCount = (action: string) =>
  count(sql`select count(*)::int as n from audit_events where action = ${action}`);

describe('repeat-safe Send and Send All', () => {
  it('answers a repeated Send with the first result and delivers one invitation', async () => {
    const { b } = await signedInAdmin();
    const member = await buildMember(app, { firstName: 'Ada', lastName: 'Twice', email: 'ada@example.org' });
    const form = await rowForm(b, member.id);
    const first = await post(b, `${PAGE}/${member.id}/send`, form);
    const again = await post(b, `${PAGE}/${member.id}/send`, form);
    expect(first.statusCode).toBe(303);
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toBe(first.headers.location);
    expect(readPage((await b.get(again.headers.location as string)).body).status()).toBe(
      'Invitation to Ada Twice kept in the Email Log (no mail server is set up).',
    );
    expect(await invitationEmails(member.id)).toBe(1);
    expect(await auditCount('invitation.send')).toBe(1);
    expect(await count(sql`select count(*)::int as n from invitation_rounds`)).toBe(1);

    await deliverDueEmail(app.deps, smtp.mailer);
    expect(smtp.sink.byRecipient().get('ada@example.org')).toBe(1);
  });

  it('lets two parallel Sends with one key make one invitation', async () => {
    const { b } = await signedInAdmin();
    const member = await buildMember(app);
    const form = await rowForm(b, member.id);
    const answers = await Promise.all([
      post(b, `${PAGE}/${member.id}/send`, form),
      post(b, `${PAGE}/${member.id}/send`, form),
      post(b, `${PAGE}/${member.id}/send`, form),
    ]);
    expect(answers.map((a) => a.statusCode)).toEqual([303, 303, 303]);
    expect(new Set(answers.map((a) => a.headers.location)).size).toBe(1);
    expect(await invitationEmails(member.id)).toBe(1);
    expect(await auditCount('invitation.send')).toBe(1);
  });

  it('makes a duplicate wait on the uncommitted first claim, then answer with its result', async () => {
    const { login } = await signedInAdmin();
    const member = await buildMember(app);
    const key = randomUUID();
    let duplicate: Promise<unknown> | undefined;
    let settledEarly = false;
    const first = await app.deps.db.transaction((tx) =>
      onceWithinWindow(
        tx,
        { accountId: login.accountId, key, action: `invitation.send:${member.id}` },
        app.clock.now(),
        async () => {
          // The key row exists but is not committed: the duplicate must wait for this transaction.
          duplicate = sendInvitationOnce(app.deps, login.actor, member.id, key);
          duplicate.then(() => {
            settledEarly = true;
          });
          await new Promise((resolve) => setTimeout(resolve, 300));
          if (app.database.kind === 'postgres') {
            // On PostgreSQL the duplicate is really waiting on a row lock (the key), not merely slow.
            const [waiting] = await queryRows(
              tx,
              sql`select count(*) as n from pg_stat_activity
                  where datname = current_database() and wait_event_type = 'Lock'
                    and query like '%form_submissions%'`,
              { n: 'number' },
            );
            expect(waiting!.n).toBe(1);
          }
          const now = app.clock.now();
          return {
            roundId: (
              await queueOneInvitationIn(tx, app.deps, login.actor, member.id, 'invitation.send', now)
            ).roundId,
          };
        },
        (stored) => stored as { roundId: number },
      ),
    );
    expect(settledEarly).toBe(false);
    expect(first.repeated).toBe(false);
    expect(await duplicate).toEqual({ repeated: true, result: { roundId: first.result.roundId } });
    expect(await invitationEmails(member.id)).toBe(1);
  });

  it('answers a repeated Send All with the first round, not "already running"', async () => {
    const { b } = await signedInAdmin();
    const members = [await buildMember(app), await buildMember(app), await buildMember(app)];
    const form = await sendAllForm(b);
    const first = await post(b, SEND_ALL, form);
    const again = await post(b, SEND_ALL, form);
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toMatch(new RegExp(`^${PAGE}/rounds/\\d+$`));
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toBe(first.headers.location);
    expect(await count(sql`select count(*)::int as n from invitation_rounds`)).toBe(1);
    expect(await auditCount('invitation.send_all')).toBe(1);

    // While it runs the page shows no form; a different key (another form) is refused as before.
    const running = readPage((await b.get(SEND_ALL)).body);
    expect(running.queryByRole('button', { name: /^Send/ })).toBeNull();
    expect(running.container.querySelector('input[name=idempotency_key]')).toBeNull();
    expect(running.text).toContain('A Send All is already running: ');
    const refused = await post(b, SEND_ALL, { ...form, idempotency_key: randomUUID() });
    expect(refused.statusCode).toBe(409);
    expect(readPage(refused.body).alert()).toContain('A Send All is already running. Wait for it to finish.');

    await deliverDueEmail(app.deps, smtp.mailer);
    for (const m of members) expect(smtp.sink.byRecipient().get(m.email)).toBe(1);
  });

  it('acts again for a newly shown form (Send used to resend)', async () => {
    const { b } = await signedInAdmin();
    const member = await buildMember(app);
    const first = await post(b, `${PAGE}/${member.id}/send`, await rowForm(b, member.id));
    const second = await post(b, `${PAGE}/${member.id}/send`, await rowForm(b, member.id));
    expect([first.statusCode, second.statusCode]).toEqual([303, 303]);
    expect(second.headers.location).not.toBe(first.headers.location);
    expect(await invitationEmails(member.id)).toBe(2);
    expect(await auditCount('invitation.send')).toBe(2);
  });

  it('refuses a form without a key, or with a malformed one, naming the field', async () => {
    const { b } = await signedInAdmin();
    const member = await buildMember(app);
    const { _csrf } = await rowForm(b, member.id);
    const missing = await post(b, `${PAGE}/${member.id}/send`, { _csrf });
    expect(missing.statusCode).toBe(400);
    expect(readPage(missing.body).text).toContain('The form arrived without its idempotency_key');
    const malformed = await post(b, `${PAGE}/${member.id}/send`, { _csrf, idempotency_key: 'a b<c>' });
    expect(malformed.statusCode).toBe(400);
    expect(readPage(malformed.body).text).toContain("The form's idempotency_key is not one the portal made");
    const sendAll = await post(b, SEND_ALL, { _csrf: (await sendAllForm(b))._csrf });
    expect(sendAll.statusCode).toBe(400);
    expect(readPage(sendAll.body).text).toContain('The form arrived without its idempotency_key');
    expect(await invitationEmails(member.id)).toBe(0);
    expect(await count(sql`select count(*)::int as n from invitation_rounds`)).toBe(0);
  });

  it('acts normally on another admin’s key: keys are per account', async () => {
    const alice = await signedInAdmin();
    const bob = await signedInAdmin();
    const member = await buildMember(app);
    const aliceForm = await rowForm(alice.b, member.id);
    const bobForm = await rowForm(bob.b, member.id);
    const byAlice = await post(alice.b, `${PAGE}/${member.id}/send`, aliceForm);
    const byBob = await post(bob.b, `${PAGE}/${member.id}/send`, {
      ...bobForm,
      idempotency_key: aliceForm.idempotency_key,
    });
    expect([byAlice.statusCode, byBob.statusCode]).toEqual([303, 303]);
    expect(byBob.headers.location).not.toBe(byAlice.headers.location);
    expect(await invitationEmails(member.id)).toBe(2);
  });

  it('refuses one row’s key used for another row with a clear 409, sending nothing', async () => {
    const { b } = await signedInAdmin();
    const [one, other] = [await buildMember(app), await buildMember(app)];
    const form = await rowForm(b, one.id);
    expect((await post(b, `${PAGE}/${one.id}/send`, form)).statusCode).toBe(303);
    const crossed = await post(b, `${PAGE}/${other.id}/send`, form);
    expect(crossed.statusCode).toBe(409);
    expect(readPage(crossed.body).text).toContain('This form was already used for something else');
    expect(await invitationEmails(other.id)).toBe(0);
  });

  it('acts again once the window has passed, and housekeeping forgets old keys', async () => {
    const { b } = await signedInAdmin();
    const member = await buildMember(app);
    const form = await rowForm(b, member.id);
    const first = await post(b, `${PAGE}/${member.id}/send`, form);
    app.clock.advance(REPEAT_WINDOW_MS - 1);
    expect((await post(b, `${PAGE}/${member.id}/send`, form)).headers.location).toBe(first.headers.location);
    expect(await purgeOldFormSubmissions(app.deps)).toBe(0);
    app.clock.advance(1);
    const late = await post(b, `${PAGE}/${member.id}/send`, form);
    expect(late.statusCode).toBe(303);
    expect(late.headers.location).not.toBe(first.headers.location);
    expect(await invitationEmails(member.id)).toBe(2);
    app.clock.advance(REPEAT_WINDOW_MS);
    expect(await purgeOldFormSubmissions(app.deps)).toBe(1);
    expect(await count(sql`select count(*)::int as n from form_submissions`)).toBe(0);
  });

  it('lets a repeat act when the first submission failed (nothing was stored)', async () => {
    const { b } = await signedInAdmin();
    const member = await buildMember(app);
    const form = await rowForm(b, member.id);
    await app.deps.db.execute(sql`delete from members where id = ${member.id}`);
    const gone = await post(b, `${PAGE}/${member.id}/send`, form);
    expect(gone.statusCode).toBe(404);
    expect(await count(sql`select count(*)::int as n from form_submissions`)).toBe(0);
    // The same press again is handled afresh (and refused afresh), not answered from a stored failure.
    expect((await post(b, `${PAGE}/${member.id}/send`, form)).statusCode).toBe(404);
  });
});
