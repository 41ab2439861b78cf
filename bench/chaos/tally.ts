/**
 * The chaos bench's verdict: what each member of the round was promised (the database) against what the
 * mail server really has (its log), member by member.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { AcceptedCopy } from './faultySmtp.ts';

/** States a message is in until it is settled (sent, failed, interrupted, skipped). */
export const UNFINISHED = ['queued', 'deferred', 'claimed', 'sending'];

export type Tally = {
  expected: number;
  delivered: number;
  duplicatedMarked: number;
  duplicatedOther: number;
  lost: number;
  failed: number;
  failedArrived: number;
  interrupted: number;
  interruptedArrived: number;
  unfinished: number;
  /** Accepted copies whose link is unknown, another member's, revoked, used or expired. */
  deadLinks: number;
  /** Members whose database state says "sent" although the server never took a copy. */
  sentWithoutCopy: number;
  /** Members with two copies whose record (what the admin sees) does not say a second copy may exist. */
  duplicatesUnmentioned: number;
  /** A few member addresses per problem, to start an investigation from. */
  examples: Record<string, string[]>;
};

type MessageRow = {
  to_address: string;
  member_id: number;
  state: string;
  may_have_arrived: boolean;
  member_detail: string | null;
};
type LinkRow = {
  token_hash: string;
  member_id: number;
  revoked: boolean;
  used: boolean;
  expired: boolean;
};

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export async function tally(db: pg.ClientBase, roundId: number, copies: AcceptedCopy[]): Promise<Tally> {
  const { rows: messages } = await db.query<MessageRow>(
    `select lower(e.to_address) as to_address, e.member_id::int as member_id, e.state, e.may_have_arrived,
            m.delivery_detail as member_detail
     from email_messages e join members m on m.id = e.member_id where e.round_id = $1`,
    [roundId],
  );
  const hashes = copies.filter((c) => c.token).map((c) => sha256(c.token!));
  const { rows: links } = await db.query<LinkRow>(
    `select token_hash, member_id::int as member_id, revoked_at is not null as revoked,
            used_at is not null as used, expires_at < now() as expired
     from invitations where token_hash = any($1::text[])`,
    [hashes],
  );
  const linkByHash = new Map(links.map((l) => [l.token_hash, l]));
  const copiesTo = new Map<string, AcceptedCopy[]>();
  for (const c of copies) copiesTo.set(c.to, [...(copiesTo.get(c.to) ?? []), c]);

  const t: Tally = {
    expected: messages.length,
    delivered: 0,
    duplicatedMarked: 0,
    duplicatedOther: 0,
    lost: 0,
    failed: 0,
    failedArrived: 0,
    interrupted: 0,
    interruptedArrived: 0,
    unfinished: 0,
    deadLinks: 0,
    sentWithoutCopy: 0,
    duplicatesUnmentioned: 0,
    examples: {},
  };
  const note = (problem: string, who: string) => {
    const list = t.examples[problem] ?? [];
    t.examples[problem] = list;
    if (list.length < 5) list.push(who);
  };
  for (const m of messages) {
    const mine = copiesTo.get(m.to_address) ?? [];
    if (mine.length > 0) t.delivered += 1;
    if (mine.length > 1) {
      // Explained: every copy but the last was an ambiguous disconnect and the member's record says so.
      const clear = mine.filter((c) => !c.dropped).length;
      if (m.may_have_arrived && clear <= 1) t.duplicatedMarked += 1;
      else {
        t.duplicatedOther += 1;
        note('duplicate without an ambiguous disconnect', m.to_address);
      }
      if (!/may (have|also have) arrived|two copies/.test(m.member_detail ?? '')) {
        t.duplicatesUnmentioned += 1;
        note('two copies, not on the member', `${m.to_address} (${m.member_detail})`);
      }
    }
    for (const c of mine) {
      const link = c.token ? linkByHash.get(sha256(c.token)) : undefined;
      if (!link || link.member_id !== m.member_id || link.revoked || link.used || link.expired) {
        t.deadLinks += 1;
        note('copy with a dead link', `${m.to_address} (${link ? JSON.stringify(link) : 'no such link'})`);
      }
    }
    if (m.state === 'failed') t.failed += 1;
    if (m.state === 'failed' && mine.length > 0) t.failedArrived += 1;
    if (m.state === 'interrupted') t.interrupted += 1;
    if (m.state === 'interrupted' && mine.length > 0) t.interruptedArrived += 1;
    if (UNFINISHED.includes(m.state)) {
      t.unfinished += 1;
      note(`unfinished (${m.state})`, m.to_address);
    }
    if (mine.length === 0 && m.state !== 'failed' && m.state !== 'interrupted') {
      t.lost += 1;
      note(`no copy, state ${m.state}`, m.to_address);
    }
    if (mine.length === 0 && m.state === 'sent') t.sentWithoutCopy += 1;
  }
  return t;
}

/** The Markdown table row for docs/benchmarks.md (see the header in chaos.ts). */
export const TABLE_HEADER =
  '| run | expected | delivered | duplicated: marked may-have-arrived | duplicated: other | lost (unmarked) | failed | interrupted | unfinished |\n' +
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|';

export function tableRow(label: string, t: Tally): string {
  const n = (x: number) => x.toLocaleString('en-US');
  return (
    `| ${label} | ${n(t.expected)} | ${n(t.delivered)} | ${n(t.duplicatedMarked)} | ${n(t.duplicatedOther)} | ` +
    `${n(t.lost)} | ${n(t.failed)} (${n(t.failedArrived)} arrived) | ${n(t.interrupted)} (${n(t.interruptedArrived)} arrived) | ${n(t.unfinished)} |`
  );
}

/** Counts of the round's messages by state, or null while the database is away. */
export async function roundStates(url: string, roundId: number): Promise<Record<string, number> | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => {});
  try {
    await client.connect();
    const { rows } = await client.query<{ state: string; n: number }>(
      'select state, count(*)::int as n from email_messages where round_id = $1 group by state',
      [roundId],
    );
    return Object.fromEntries(rows.map((r) => [r.state, r.n]));
  } catch {
    return null;
  } finally {
    await client.end().catch(() => {});
  }
}
