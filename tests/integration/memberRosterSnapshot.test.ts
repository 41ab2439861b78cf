import { describe, expect, it } from 'vitest';
import { type Actor, systemActor } from '../../src/domain/policy.ts';
import { memberRosterBatches } from '../../src/domain/reports/memberRoster.ts';
import { useTestApp } from '../harness.ts';
import { type Seed, seed } from './memberRosterSeed.ts';

const app = useTestApp();
const admin: Actor = { ...systemActor('test admin'), role: 'admin' };
const member = (n: number): Seed => ({
  number: `M${n}`,
  first: 'Ann',
  last: `Member ${n}`,
  email: `m${n}@example.org`,
});

describe('the Member Roster export and the database’s capabilities', () => {
  it('is offered a cursor read exactly where a long read holds nobody up (not on the one-process database)', () => {
    expect(Boolean(app.deps.db.cursorBatches)).toBe(!app.database.singleProcess);
    expect(app.database.singleProcess).toBe(app.database.kind === 'pglite');
  });

  it('reads through the cursor where offered: one snapshot, so a member added meanwhile is not in the file', async () => {
    await seed(app, [1, 2, 3, 4, 5].map(member));
    const batches = memberRosterBatches(app.deps, admin, { sort: 'memberNumber', dir: 'asc' }, 2);
    const numbers: string[] = [];
    const first = await batches.next();
    for (const m of first.value ?? []) numbers.push(m.memberNumber);
    await seed(app, [member(9)]); // sorts last: a fresh short query after it would find it
    for await (const batch of batches) for (const m of batch) numbers.push(m.memberNumber);
    if (app.deps.db.cursorBatches) expect(numbers).toEqual(['M1', 'M2', 'M3', 'M4', 'M5']);
    else expect(numbers).toEqual(['M1', 'M2', 'M3', 'M4', 'M5', 'M9']); // keyset batches, each its own query
  });
});
