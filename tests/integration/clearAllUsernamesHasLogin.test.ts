import { inArray, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { accounts, members } from '../../src/db/schema.ts';
import { buildLogin, buildMember } from '../factories.ts';
import { useTestApp } from '../harness.ts';

const app = useTestApp();

/** has_login and updated_at of some members, by id. */
async function flags(ids: number[]) {
  const rows = await app.deps.db
    .select({ id: members.id, hasLogin: members.hasLogin, updatedAt: members.updatedAt })
    .from(members)
    .where(inArray(members.id, ids));
  return new Map(rows.map((r) => [r.id, r]));
}

const OLD = new Date('2020-01-01T00:00:00Z');
const ageAll = () => app.deps.db.update(members).set({ updatedAt: OLD });

// members.has_login is kept by statement-level triggers (migration 0021): one UPDATE per statement over
// the rows it inserted or deleted, whatever their number, moving updated_at for the API's updated_since.
describe('has_login upkeep for statements of many logins', () => {
  it('a multi-row INSERT gives each member has_login and a new updated_at; others are untouched', async () => {
    const joining = [await buildMember(app), await buildMember(app), await buildMember(app)];
    const bystander = await buildMember(app);
    await ageAll();
    await app.deps.db.execute(sql`
      insert into accounts (member_id, username, username_lower, password_hash, created_at, password_changed_at)
      select id, 'multi' || id, 'multi' || id, 'x', now(), now() from members
      where id in (${sql.join(
        joining.map((m) => sql`${m.id}::bigint`),
        sql`, `,
      )})`);
    const after = await flags([...joining.map((m) => m.id), bystander.id]);
    for (const m of joining) {
      expect(after.get(m.id)!.hasLogin).toBe(true);
      expect(after.get(m.id)!.updatedAt.getTime()).toBeGreaterThan(OLD.getTime());
    }
    expect(after.get(bystander.id)).toMatchObject({ hasLogin: false, updatedAt: OLD });
  });

  it('a multi-row DELETE takes has_login away from each member and moves updated_at; others keep theirs', async () => {
    const leaving = [await buildLogin(app), await buildLogin(app), await buildLogin(app)];
    const staying = await buildLogin(app);
    await ageAll();
    await app.deps.db.delete(accounts).where(
      inArray(
        accounts.id,
        leaving.map((l) => l.accountId),
      ),
    );
    const after = await flags([...leaving.map((l) => l.memberId), staying.memberId]);
    for (const l of leaving) {
      expect(after.get(l.memberId)!.hasLogin).toBe(false);
      expect(after.get(l.memberId)!.updatedAt.getTime()).toBeGreaterThan(OLD.getTime());
    }
    expect(after.get(staying.memberId)).toMatchObject({ hasLogin: true, updatedAt: OLD });
  });

  it('never moves updated_at backwards (a member edited later in the same moment keeps the later time)', async () => {
    const login = await buildLogin(app);
    const future = new Date(Date.now() + 365 * 24 * 60 * 60_000);
    await app.deps.db.update(members).set({ updatedAt: future });
    await app.deps.db.delete(accounts).where(inArray(accounts.id, [login.accountId]));
    const after = await flags([login.memberId]);
    expect(after.get(login.memberId)).toMatchObject({ hasLogin: false, updatedAt: future });
  });

  it('a statement touching no login changes no member', async () => {
    const m = await buildMember(app);
    await ageAll();
    await app.deps.db.delete(accounts).where(inArray(accounts.id, [-1]));
    expect((await flags([m.id])).get(m.id)).toMatchObject({ hasLogin: false, updatedAt: OLD });
  });
});
