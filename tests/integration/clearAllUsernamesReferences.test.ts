import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { withForeignKeysSetAside } from '../../src/db/foreignKeysSetAside.ts';
import { queryRows } from '../../src/db/rows.ts';
import { clearLoginsIn } from '../../src/domain/clearAllUsernames/clearLogins.ts';
import { buildLogin } from '../factories.ts';
import { useTestApp } from '../harness.ts';

// Clear All Usernames sets the foreign keys pointing at accounts aside and does their ON DELETE once for
// the whole set (db/foreignKeysSetAside.ts): these check it does what PostgreSQL's own would have done.
const app = useTestApp();

/** Every foreign key of the schema, as the catalog has it: name, definition, validated. */
const foreignKeys = () =>
  queryRows(
    app.deps.db,
    sql`select conrelid::regclass::text as "table", conname as name, pg_get_constraintdef(oid) as definition,
               convalidated as validated
        from pg_constraint where contype = 'f' order by 1, 2`,
    { table: 'text', name: 'text', definition: 'text', validated: 'boolean' },
  );

const count = async (query: ReturnType<typeof sql>) =>
  (await queryRows(app.deps.db, query, { n: 'number' }))[0]!.n;

async function clearAs(
  me: { accountId: number; username: string },
  includeAdmins: boolean,
  confirmed: number,
) {
  const actor = { accountId: me.accountId, label: me.username, role: 'security_admin' as const, ip: null };
  return app.deps.db.transaction((tx) =>
    clearLoginsIn(tx, app.clock.now(), actor, { includeAdmins, confirmed }),
  );
}

/** A reset link, a session and an Invitation Round of the account's own. */
async function belongingsOf(accountId: number) {
  const now = app.clock.now();
  await app.deps.db.execute(sql`
    insert into password_resets (account_id, token_hash, created_at, expires_at)
    values (${accountId}, ${`reset-${accountId}`}, ${now}, ${now})`);
  await app.deps.db.execute(sql`
    insert into sessions (token_hash, account_id, created_at, expires_at, last_seen_at)
    values (${`session-${accountId}`}, ${accountId}, ${now}, ${now}, ${now})`);
  await app.deps.db.execute(sql`
    insert into invitation_rounds (kind, started_by, started_by_label, started_at, total)
    values ('single', ${accountId}, ${`round of ${accountId}`}, ${now}, 1)`);
}

afterEach(async () => {
  await app.deps.db.execute(sql`drop table if exists test_account_notes`);
});

describe('Clear All Usernames with the keys that point at accounts set aside', () => {
  it('does each key’s ON DELETE for the cleared logins only: cascades go, SET NULL empties', async () => {
    const me = await buildLogin(app, { role: 'security_admin' });
    const admin = await buildLogin(app, { role: 'admin' });
    const member = await buildLogin(app);
    for (const who of [me, admin, member]) await belongingsOf(who.accountId);

    expect(await clearAs(me, true, 2)).toMatchObject({ removed: 2 });

    const cleared = [admin.accountId, member.accountId];
    for (const table of ['password_resets', 'sessions'])
      expect(
        await count(
          sql`select count(*) n from ${sql.raw(table)} where account_id in (${cleared[0]}, ${cleared[1]})`,
        ),
      ).toBe(0);
    expect(await count(sql`select count(*) n from sessions where account_id = ${me.accountId}`)).toBe(1);
    expect(await count(sql`select count(*) n from password_resets where account_id = ${me.accountId}`)).toBe(
      1,
    );
    // Rounds stay, with who started them kept as a label; only the acting admin's still points at a login.
    const rounds = await queryRows(
      app.deps.db,
      sql`select started_by_label as label, started_by as "by" from invitation_rounds order by id`,
      { label: 'text', by: 'number?' },
    );
    expect(rounds).toEqual([
      { label: `round of ${me.accountId}`, by: me.accountId },
      { label: `round of ${admin.accountId}`, by: null },
      { label: `round of ${member.accountId}`, by: null },
    ]);
  });

  it('puts every foreign key back exactly as it was, validated', async () => {
    const me = await buildLogin(app, { role: 'security_admin' });
    await buildLogin(app);
    const before = await foreignKeys();
    expect(before.filter((k) => k.definition.includes('REFERENCES accounts(id)')).length).toBeGreaterThan(10);
    await clearAs(me, false, 1);
    expect(await foreignKeys()).toEqual(before);
  });

  it('fails, changing nothing, when a row would be left pointing at a cleared login', async () => {
    const me = await buildLogin(app, { role: 'security_admin' });
    const member = await buildLogin(app);
    // A key whose ON DELETE is NO ACTION: PostgreSQL would refuse the delete, and so must the clear.
    await app.deps.db.execute(sql`
      create table test_account_notes (account_id bigint references accounts(id), note text)`);
    await app.deps.db.execute(sql`insert into test_account_notes values (${member.accountId}, 'keep')`);
    const before = await foreignKeys();

    await expect(clearAs(me, false, 1)).rejects.toThrow(/test_account_notes/);
    expect(await count(sql`select count(*) n from accounts where id = ${member.accountId}`)).toBe(1);
    expect(await count(sql`select count(*) n from cleared_logins`)).toBe(0);
    expect(await foreignKeys()).toEqual(before);
  });
});

// Only PostgreSQL has other connections to hold a lock meanwhile (PGlite runs one transaction at a time).
describe.skipIf(!process.env.TEST_DATABASE_URL)('waiting for its locks (PostgreSQL)', () => {
  const nothingDeleted = sql`select null::bigint where false`;

  /** Another transaction reading sessions until `release` is called (as a long export reads members). */
  async function heldLock() {
    let release!: () => void;
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const done = app.deps.db.transaction(async (tx) => {
      await tx.execute(sql`lock table sessions in access share mode`);
      locked();
      await new Promise<void>((resolve) => {
        release = resolve;
      });
    });
    await isLocked;
    return {
      release: () => {
        release();
        return done;
      },
    };
  }

  const setAside = (lockAttempts: number) =>
    app.deps.db.transaction((tx) =>
      withForeignKeysSetAside(
        tx,
        { table: 'accounts', alsoTables: [], deletedIds: nothingDeleted, lockAttempts },
        async () => 'done',
      ),
    );

  it('gives up with a clear conflict, changing nothing, while another transaction keeps a table', async () => {
    const held = await heldLock();
    const before = await foreignKeys();
    await expect(setAside(2)).rejects.toThrow(/kept the database busy/);
    await held.release();
    expect(await foreignKeys()).toEqual(before);
  });

  it('lets other requests through while it waits, and gets its locks once the other transaction is done', async () => {
    const held = await heldLock();
    const asked = setAside(30);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // A plain LOCK TABLE would queue this read behind its own waiting request until the holder is done,
    // and the holder here waits for this read: the test would hang.
    const read = await queryRows(app.deps.db, sql`select count(*) n from sessions`, { n: 'number' });
    expect(read).toEqual([{ n: 0 }]);
    await held.release();
    await expect(asked).resolves.toBe('done');
  });
});
