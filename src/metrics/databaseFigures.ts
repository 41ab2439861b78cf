import type { Database } from '../db/connect.ts';
import { readRow, type Shape } from '../db/rows.ts';
import { THROTTLE_RULES } from '../domain/auth/throttleRules.ts';
import { deliveryStates } from '../domain/vocabulary.ts';

/** What a scrape reads from the database: grouped counts only, each one statement. */
export type DatabaseFigures = {
  messagesByState: Map<string, number>;
  /** pg-boss jobs by queue name, then state (created, retry, active, completed, cancelled, failed). */
  jobsByQueueAndState: { queue: string; state: string; count: number }[];
  /** Throttle keys (a login, an address, a member…) at their limit now: their next attempt is refused. */
  blockedKeysByRule: Map<string, number>;
};

// The throttle's limits live in code; the table only holds counts. Constants, so inlined as literals.
const RULE_LIMITS = Object.entries(THROTTLE_RULES)
  .map(([rule, { limit, windowMs }]) => `('${rule}', ${limit}, ${windowMs})`)
  .join(', ');

// Each statement read as its row shape: the drivers give counts as numbers or as strings.
const rows = async <S extends Shape>(database: Database, text: string, shape: S) =>
  (await database.executeSql(text)).rows.map((row) => readRow(row as Record<string, unknown>, shape));

export async function readDatabaseFigures(database: Database): Promise<DatabaseFigures> {
  const messages = await rows(
    database,
    'select state, count(*) as count from email_messages group by state',
    {
      state: 'text',
      count: 'number',
    },
  );
  const messagesByState = new Map<string, number>(deliveryStates.map((s) => [s, 0]));
  for (const m of messages) messagesByState.set(m.state, m.count);

  // pg-boss creates its schema on first use, which may come after the first scrape.
  const [boss] = await rows(database, "select to_regclass('pgboss.job') is not null as installed", {
    installed: 'boolean',
  });
  const jobs = boss!.installed
    ? await rows(
        database,
        'select name as queue, state::text as state, count(*) as count from pgboss.job group by name, state',
        { queue: 'text', state: 'text', count: 'number' },
      )
    : [];

  const blocked = await rows(
    database,
    `select r.rule, count(t.key) as count
       from (values ${RULE_LIMITS}) as r(rule, lim, window_ms)
       left join login_throttle t on split_part(t.key, ':', 1) = r.rule and t.failures >= r.lim
        and t.window_start > now() - r.window_ms * interval '1 millisecond'
      group by r.rule`,
    { rule: 'text', count: 'number' },
  );
  return {
    messagesByState,
    jobsByQueueAndState: jobs,
    blockedKeysByRule: new Map(blocked.map((b) => [b.rule, b.count])),
  };
}

// A scrape must not hang for as long as a connection attempt to an unreachable host may take.
const READ_TIMEOUT_MS = 3_000;

/**
 * The figures, read at most once per `maxAgeMs` however fast scrapers come, and never twice at once, so
 * scraping cannot load the database. Null when the database does not answer within READ_TIMEOUT_MS.
 */
export function cachedDatabaseFigures(database: Database, maxAgeMs: number) {
  let last: { at: number; figures: DatabaseFigures | null } | undefined;
  let reading: Promise<DatabaseFigures | null> | undefined;
  const read = () => {
    reading ??= readDatabaseFigures(database)
      .catch(() => null)
      .then((figures) => {
        last = { at: Date.now(), figures };
        reading = undefined;
        return figures;
      });
    return reading;
  };
  return async (): Promise<DatabaseFigures | null> => {
    if (last && Date.now() - last.at < maxAgeMs) return last.figures;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), READ_TIMEOUT_MS);
    });
    try {
      return await Promise.race([read(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
}
