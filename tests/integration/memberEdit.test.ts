import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, emailMessages, members } from '../../src/db/schema.ts';
import { browser, buildLogin, buildMember } from '../factories.ts';
import { useTestApp } from '../harness.ts';
import { readPage } from '../page.ts';

const app = useTestApp();
const ADD = '/admin/members/new';
const editOf = (id: number) => `/admin/members/${id}/edit`;

async function signedIn(role: 'member' | 'admin' | 'security_admin') {
  const login = await buildLogin(app, { role });
  const b = browser(await app.server());
  expect((await b.logIn(login.username, login.password)).statusCode).toBe(303);
  return { ...login, b };
}

const record = (over: Record<string, string> = {}) => ({
  memberNumber: 'M-7001',
  firstName: 'Ada',
  lastName: 'Okafor',
  email: 'ada@example.org',
  status: 'current',
  ...over,
});

const memberOf = async (id: number) =>
  (await app.deps.db.select().from(members).where(eq(members.id, id)))[0]!;
const auditOf = (id: number) => app.deps.db.select().from(auditEvents).where(eq(auditEvents.memberId, id));

describe('Add member', () => {
  it('is linked from Member Search, adds the member, audits, and shows the profile with Edit member', async () => {
    const admin = await signedIn('admin');
    await buildMember(app);
    expect(readPage((await admin.b.get('/admin/members')).body).link('Add member')).toBe(ADD);
    const form = readPage((await admin.b.get(ADD)).body);
    for (const label of ['Member number', 'First name', 'Last name', 'Email']) form.getByLabelText(label);
    expect(form.valueOf('Status')).toBe('current');
    form.getByRole('button', { name: 'Add member' });

    const res = await admin.b.submit(ADD, ADD, record({ firstName: '  Ada ', status: 'lapsed' }));
    expect(res.statusCode).toBe(303);
    const id = Number(/\/admin\/members\/(\d+)\?done=added$/.exec(res.headers.location as string)?.[1]);
    const saved = await memberOf(id);
    expect(saved).toMatchObject({ memberNumber: 'M-7001', firstName: 'Ada', emailLower: 'ada@example.org' });
    expect(saved.status).toBe('lapsed');
    expect((await auditOf(id)).map((e) => e.action)).toEqual(['member.added']);
    const profile = readPage((await admin.b.get(res.headers.location as string)).body);
    expect(profile.status()).toContain('The member is added to the roster.');
    expect(profile.link('Edit member')).toBe(editOf(id));
  });

  it('refuses bad fields and a taken member number next to their fields, keeping what was typed', async () => {
    const admin = await signedIn('admin');
    await buildMember(app, { memberNumber: 'M-7002', firstName: 'Grace', lastName: 'Hopper' });
    let page = readPage(
      (await admin.b.submit(ADD, ADD, record({ memberNumber: 'M 1', firstName: '', email: 'nope' }))).body,
    );
    expect(page.errorFor('Member number')).toBe('Member number "M 1" contains spaces');
    expect(page.errorFor('First name')).toBe('First name is required');
    expect(page.errorFor('Email')).toBe('Email "nope" is not a valid address');
    expect(page.valueOf('Last name')).toBe('Okafor');
    expect(page.valueOf('Email')).toBe('nope');

    page = readPage((await admin.b.submit(ADD, ADD, record({ memberNumber: 'M-7002' }))).body);
    expect(page.errorFor('Member number')).toBe("Member number M-7002 is already Grace Hopper's.");
    page = readPage((await admin.b.submit(ADD, ADD, record({ memberNumber: 'ADM-0a1b2c' }))).body);
    expect(page.errorFor('Member number')).toMatch(/made-up number/);
    expect(await app.deps.db.select().from(members).where(eq(members.memberNumber, 'M-7001'))).toEqual([]);
  });

  it('asks before a second member gets an email another member has, as a roster may have it', async () => {
    const admin = await signedIn('admin');
    await buildMember(app, { email: 'Family@example.org', firstName: 'Kim', lastName: 'Lee' });
    const page = readPage((await admin.b.submit(ADD, ADD, record({ email: 'family@example.org' }))).body);
    expect(page.errorFor('Email')).toMatch(/^family@example.org is already the email of Kim Lee\./);
    const res = await admin.b.submit(ADD, ADD, record({ email: 'family@example.org', shareEmail: 'on' }));
    expect(res.statusCode).toBe(303);
  });

  it('is not for members, and an edited URL id is a 404', async () => {
    const member = await signedIn('member');
    expect((await member.b.get(ADD)).statusCode).toBe(403);
    expect((await member.b.submit('/home', ADD, record())).statusCode).toBe(403);
    const admin = await signedIn('admin');
    expect((await admin.b.get('/admin/members/99999999/edit')).statusCode).toBe(404);
  });
});

describe('Edit member', () => {
  it('changes the record, audits old → new, and says when nothing changed', async () => {
    const admin = await signedIn('admin');
    const m = await buildMember(app, { memberNumber: 'M-7100', firstName: 'Lin', lastName: 'Wu' });
    const form = readPage((await admin.b.get(editOf(m.id))).body);
    expect(form.valueOf('Member number')).toBe('M-7100');
    expect(form.valueOf('First name')).toBe('Lin');
    form.getByRole('button', { name: 'Save member' });
    const fields = {
      ...record({ memberNumber: 'M-7101', firstName: 'Lin', lastName: 'Wu-Chen' }),
      email: m.email,
    };
    const res = await admin.b.submit(editOf(m.id), editOf(m.id), fields);
    expect(res.headers.location).toBe(`/admin/members/${m.id}?done=saved`);
    expect(await memberOf(m.id)).toMatchObject({ memberNumber: 'M-7101', lastName: 'Wu-Chen' });
    const [event] = await auditOf(m.id);
    expect(event!.action).toBe('member.edited');
    expect(event!.details).toEqual({
      changes: { memberNumber: { from: 'M-7100', to: 'M-7101' }, lastName: { from: 'Wu', to: 'Wu-Chen' } },
    });
    const again = await admin.b.submit(editOf(m.id), editOf(m.id), fields);
    expect(again.headers.location).toBe(`/admin/members/${m.id}?done=unchanged`);
    expect(await auditOf(m.id)).toHaveLength(1);
  });

  it('a new email for a member with a login: audited old → new and the old address told', async () => {
    const admin = await signedIn('admin');
    const member = await buildLogin(app, { role: 'member' });
    const before = await memberOf(member.memberId);
    const fields = { ...record({ memberNumber: before.memberNumber }), email: 'new.address@example.org' };
    expect((await admin.b.submit(editOf(member.memberId), editOf(member.memberId), fields)).statusCode).toBe(
      303,
    );
    const changed = (await auditOf(member.memberId)).find((e) => e.action === 'member.email_changed');
    expect(changed?.details).toMatchObject({ from: before.email, to: 'new.address@example.org' });
    const notices = await app.deps.db
      .select()
      .from(emailMessages)
      .where(eq(emailMessages.memberId, member.memberId));
    expect(notices.map((n) => [n.kind, n.toAddress])).toEqual([['email_changed', before.email]]);
  });

  it("an administrator's record is only a Security Administrator's to edit (the link too)", async () => {
    const admin = await signedIn('admin');
    const other = await buildLogin(app, { role: 'admin' });
    const before = await memberOf(other.memberId);
    const profile = readPage((await admin.b.get(`/admin/members/${other.memberId}`)).body);
    expect(profile.queryByRole('link', { name: 'Edit member' })).toBeNull();
    profile.getByRole('region', { name: 'Member' });
    expect((await admin.b.get(editOf(other.memberId))).statusCode).toBe(403);
    const fields = { ...record({ memberNumber: before.memberNumber }), email: 'taken.over@example.org' };
    expect((await admin.b.submit(editOf(admin.memberId), editOf(other.memberId), fields)).statusCode).toBe(
      403,
    );
    expect((await memberOf(other.memberId)).email).toBe(before.email);

    const security = await signedIn('security_admin');
    expect(
      readPage((await security.b.get(`/admin/members/${other.memberId}`)).body).link('Edit member'),
    ).toBe(editOf(other.memberId));
    const res = await security.b.submit(editOf(other.memberId), editOf(other.memberId), fields);
    expect(res.statusCode).toBe(303);
    expect((await memberOf(other.memberId)).email).toBe('taken.over@example.org');
  });
});
