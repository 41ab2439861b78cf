CREATE TABLE "account_days" (
	"day" integer PRIMARY KEY NOT NULL,
	"accounts" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "last_login_days" (
	"day" integer NOT NULL,
	"slot" smallint NOT NULL,
	"accounts" integer NOT NULL,
	CONSTRAINT "last_login_days_day_slot_pk" PRIMARY KEY("day","slot")
);
--> statement-breakpoint
CREATE TABLE "login_days" (
	"day" integer PRIMARY KEY NOT NULL,
	"logins" integer NOT NULL,
	"members" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "member_figures" (
	"on_roster" boolean NOT NULL,
	"status" text NOT NULL,
	"has_login" boolean NOT NULL,
	"failed" boolean NOT NULL,
	"slot" smallint NOT NULL,
	"members" integer NOT NULL,
	CONSTRAINT "member_figures_on_roster_status_has_login_failed_slot_pk" PRIMARY KEY("on_roster","status","has_login","failed","slot")
);
--> statement-breakpoint
CREATE TABLE "round_figures" (
	"round_id" bigint NOT NULL,
	"slot" smallint NOT NULL,
	"sent" integer NOT NULL,
	"logged" integer NOT NULL,
	"failed" integer NOT NULL,
	"pending" integer NOT NULL,
	"not_sent" integer NOT NULL,
	CONSTRAINT "round_figures_round_id_slot_pk" PRIMARY KEY("round_id","slot")
);
--> statement-breakpoint
CREATE TABLE "round_login_days" (
	"round_id" bigint NOT NULL,
	"day" integer NOT NULL,
	"logins" integer NOT NULL,
	CONSTRAINT "round_login_days_round_id_day_pk" PRIMARY KEY("round_id","day")
);
--> statement-breakpoint
ALTER TABLE "round_figures" ADD CONSTRAINT "round_figures_round_id_invitation_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."invitation_rounds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "round_login_days" ADD CONSTRAINT "round_login_days_round_id_invitation_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."invitation_rounds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "accounts_staff_idx" ON "accounts" USING btree ("member_id") WHERE role <> 'member';--> statement-breakpoint
-- Figures kept as they change (decision 0026): statement-level triggers with transition tables, so a
-- statement that writes a million rows (Send All, Clear All Usernames, Restore) adds its changes in one
-- grouped upsert per figure, and every writer is covered without knowing about them. Each function builds
-- the rows its statement changed, as (…, sign) with +1 for a row that now counts and -1 for one that no
-- longer does, and adds the grouped signs; EXECUTE is used so that the three kinds of statement share
-- one query (transition tables are visible to dynamic SQL in PL/pgSQL). Rows are upserted in key order,
-- so two statements touching the same figures lock them in the same order.
--
-- Which of round_figures' columns a message state counts in (NULL: none); delivered = sent + logged.
CREATE FUNCTION gh_message_outcome(state text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN state IN ('sent', 'logged') THEN state
              WHEN state = 'failed' THEN 'failed'
              WHEN state IN ('queued', 'claimed', 'sending', 'deferred') THEN 'pending'
              WHEN state IN ('skipped', 'interrupted') THEN 'not_sent' END
$$;
--> statement-breakpoint
-- A round's "logins since" day of a login: whole days of 86,400 s from the round's start (responseCurves.ts).
CREATE FUNCTION gh_round_day(created_at timestamptz, started_at timestamptz) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
  SELECT floor(extract(epoch from (created_at - started_at)) / 86400)::int
$$;
--> statement-breakpoint
-- A UTC day as days since 1970-01-01 (loginActivity.ts, onboardingProgress.ts).
CREATE FUNCTION gh_utc_day(at timestamptz) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
  SELECT floor(extract(epoch from at) / 86400)::int
$$;
--> statement-breakpoint
CREATE FUNCTION gatehouse_round_figures_of_messages() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  pairs text := 'old_rows o JOIN new_rows n ON n.id = o.id';
  by_state text;
  by_member text;
BEGIN
  IF TG_OP = 'INSERT' THEN
    by_state := 'SELECT round_id, member_id, state, 1 AS sign FROM new_rows WHERE round_id IS NOT NULL';
    by_member := by_state;
  ELSIF TG_OP = 'DELETE' THEN
    by_state := 'SELECT round_id, member_id, state, -1 AS sign FROM old_rows WHERE round_id IS NOT NULL';
    by_member := by_state;
  ELSIF NOT EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
                    WHERE (o.round_id, o.member_id) IS DISTINCT FROM (n.round_id, n.member_id)) THEN
    -- The delivery worker's path (claim, mark sending, record the outcome, renew the lease): states change,
    -- rounds and members do not. Static SQL, planned once per connection — measured with two concurrent
    -- writers, dynamic SQL's planning cost several milliseconds a statement on a busy machine.
    INSERT INTO round_figures AS f (round_id, slot, sent, logged, failed, pending, not_sent)
    SELECT c.round_id, pg_backend_pid() % 16,
           coalesce(sum(c.sign) FILTER (WHERE gh_message_outcome(c.state) = 'sent'), 0),
           coalesce(sum(c.sign) FILTER (WHERE gh_message_outcome(c.state) = 'logged'), 0),
           coalesce(sum(c.sign) FILTER (WHERE gh_message_outcome(c.state) = 'failed'), 0),
           coalesce(sum(c.sign) FILTER (WHERE gh_message_outcome(c.state) = 'pending'), 0),
           coalesce(sum(c.sign) FILTER (WHERE gh_message_outcome(c.state) = 'not_sent'), 0)
    FROM (SELECT o.round_id, o.state, -1 AS sign, n.state AS other FROM old_rows o JOIN new_rows n ON n.id = o.id
          UNION ALL
          SELECT n.round_id, n.state, 1, o.state FROM old_rows o JOIN new_rows n ON n.id = o.id) c
    JOIN invitation_rounds r ON r.id = c.round_id
    WHERE gh_message_outcome(c.state) IS DISTINCT FROM gh_message_outcome(c.other)
    GROUP BY c.round_id
    ORDER BY c.round_id
    ON CONFLICT (round_id, slot) DO UPDATE SET sent = f.sent + excluded.sent, logged = f.logged + excluded.logged,
      failed = f.failed + excluded.failed, pending = f.pending + excluded.pending,
      not_sent = f.not_sent + excluded.not_sent;
    RETURN NULL;
  ELSE
    -- A message moved to another round or member (a round or member deleted: set null).
    by_state := format('SELECT o.round_id, o.member_id, o.state, -1 AS sign FROM %1$s WHERE o.round_id IS NOT NULL
                          AND (o.round_id IS DISTINCT FROM n.round_id OR o.state IS DISTINCT FROM n.state)
                        UNION ALL
                        SELECT n.round_id, n.member_id, n.state, 1 FROM %1$s WHERE n.round_id IS NOT NULL
                          AND (o.round_id IS DISTINCT FROM n.round_id OR o.state IS DISTINCT FROM n.state)', pairs);
    by_member := format('SELECT o.round_id, o.member_id, -1 AS sign FROM %1$s WHERE o.round_id IS NOT NULL
                           AND (o.round_id, o.member_id) IS DISTINCT FROM (n.round_id, n.member_id)
                         UNION ALL
                         SELECT n.round_id, n.member_id, 1 FROM %1$s WHERE n.round_id IS NOT NULL
                           AND (o.round_id, o.member_id) IS DISTINCT FROM (n.round_id, n.member_id)', pairs);
  END IF;
  -- The round join leaves out a round being deleted (its figures go with it, ON DELETE CASCADE).
  EXECUTE format($q$
    INSERT INTO round_figures AS f (round_id, slot, sent, logged, failed, pending, not_sent)
    SELECT c.round_id, pg_backend_pid() %% 16,
           coalesce(sum(c.sign) FILTER (WHERE gh_message_outcome(c.state) = 'sent'), 0),
           coalesce(sum(c.sign) FILTER (WHERE gh_message_outcome(c.state) = 'logged'), 0),
           coalesce(sum(c.sign) FILTER (WHERE gh_message_outcome(c.state) = 'failed'), 0),
           coalesce(sum(c.sign) FILTER (WHERE gh_message_outcome(c.state) = 'pending'), 0),
           coalesce(sum(c.sign) FILTER (WHERE gh_message_outcome(c.state) = 'not_sent'), 0)
    FROM (%s) c JOIN invitation_rounds r ON r.id = c.round_id
    GROUP BY c.round_id
    ORDER BY c.round_id
    ON CONFLICT (round_id, slot) DO UPDATE SET sent = f.sent + excluded.sent, logged = f.logged + excluded.logged,
      failed = f.failed + excluded.failed, pending = f.pending + excluded.pending,
      not_sent = f.not_sent + excluded.not_sent$q$, by_state);
  EXECUTE format($q$
    INSERT INTO round_login_days AS d (round_id, day, logins)
    SELECT c.round_id, gh_round_day(a.created_at, r.started_at), sum(c.sign)
    FROM (%s) c JOIN invitation_rounds r ON r.id = c.round_id JOIN accounts a ON a.member_id = c.member_id
    WHERE a.created_at > r.started_at
    GROUP BY 1, 2 HAVING sum(c.sign) <> 0
    ORDER BY 1, 2
    ON CONFLICT (round_id, day) DO UPDATE SET logins = d.logins + excluded.logins$q$, by_member);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER email_messages_round_figures_insert AFTER INSERT ON email_messages
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_round_figures_of_messages();
--> statement-breakpoint
CREATE TRIGGER email_messages_round_figures_update AFTER UPDATE ON email_messages
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION gatehouse_round_figures_of_messages();
--> statement-breakpoint
CREATE TRIGGER email_messages_round_figures_delete AFTER DELETE ON email_messages
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_round_figures_of_messages();
--> statement-breakpoint
-- Logins created or removed: the rounds' "logins since" (through the member's messages), the logins per
-- creation day (the admin home's onboarding curve) and per Last Login day (Login Activity's members who
-- logged in). A sign-in only moves its Last Login: that path is static SQL, planned once per connection.
CREATE FUNCTION gatehouse_figures_of_accounts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  changed text;
  last_logins text := $q$
    INSERT INTO last_login_days AS d (day, slot, accounts)
    SELECT gh_utc_day(c.last_login_at), pg_backend_pid() %% 16, sum(c.sign) FROM (%s) c
    WHERE c.last_login_at > c.created_at
    GROUP BY 1 HAVING sum(c.sign) <> 0
    ORDER BY 1
    ON CONFLICT (day, slot) DO UPDATE SET accounts = d.accounts + excluded.accounts$q$;
BEGIN
  IF TG_OP = 'INSERT' THEN
    changed := 'SELECT member_id, created_at, last_login_at, 1 AS sign FROM new_rows';
    EXECUTE format(last_logins, changed);
  ELSIF TG_OP = 'DELETE' THEN
    changed := 'SELECT member_id, created_at, last_login_at, -1 AS sign FROM old_rows';
    EXECUTE format(last_logins, changed);
  ELSE
    INSERT INTO last_login_days AS d (day, slot, accounts)
    SELECT gh_utc_day(c.last_login_at), pg_backend_pid() % 16, sum(c.sign)
    FROM (SELECT o.created_at, o.last_login_at, -1 AS sign FROM old_rows o
          UNION ALL
          SELECT n.created_at, n.last_login_at, 1 FROM new_rows n) c
    WHERE c.last_login_at > c.created_at
    GROUP BY 1 HAVING sum(c.sign) <> 0
    ORDER BY 1
    ON CONFLICT (day, slot) DO UPDATE SET accounts = d.accounts + excluded.accounts;
    IF NOT EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
                   WHERE (o.member_id, o.created_at) IS DISTINCT FROM (n.member_id, n.created_at)) THEN
      RETURN NULL;
    END IF;
    changed := 'SELECT o.member_id, o.created_at, -1 AS sign FROM old_rows o JOIN new_rows n ON n.id = o.id
                  WHERE (o.member_id, o.created_at) IS DISTINCT FROM (n.member_id, n.created_at)
                UNION ALL
                SELECT n.member_id, n.created_at, 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
                  WHERE (o.member_id, o.created_at) IS DISTINCT FROM (n.member_id, n.created_at)';
  END IF;
  EXECUTE format($q$
    INSERT INTO round_login_days AS d (round_id, day, logins)
    SELECT e.round_id, gh_round_day(c.created_at, r.started_at), sum(c.sign)
    FROM (%s) c JOIN email_messages e ON e.member_id = c.member_id JOIN invitation_rounds r ON r.id = e.round_id
    WHERE c.created_at > r.started_at
    GROUP BY 1, 2 HAVING sum(c.sign) <> 0
    ORDER BY 1, 2
    ON CONFLICT (round_id, day) DO UPDATE SET logins = d.logins + excluded.logins$q$, changed);
  EXECUTE format($q$
    INSERT INTO account_days AS d (day, accounts)
    SELECT gh_utc_day(c.created_at), sum(c.sign) FROM (%s) c
    GROUP BY 1 HAVING sum(c.sign) <> 0
    ORDER BY 1
    ON CONFLICT (day) DO UPDATE SET accounts = d.accounts + excluded.accounts$q$, changed);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER accounts_figures_insert AFTER INSERT ON accounts
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_figures_of_accounts();
--> statement-breakpoint
CREATE TRIGGER accounts_figures_update AFTER UPDATE ON accounts
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION gatehouse_figures_of_accounts();
--> statement-breakpoint
CREATE TRIGGER accounts_figures_delete AFTER DELETE ON accounts
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_figures_of_accounts();
--> statement-breakpoint
-- Deleting a member removes her login (cascade) and unlinks her messages (set null) in two cascaded
-- statements whose triggers both fire only after both have run, when neither can see the pair any more:
-- so her "logins since" are taken away here, before the delete (the app never deletes members; this
-- keeps a hand-made delete right).
CREATE FUNCTION gatehouse_round_logins_of_deleted_member() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO round_login_days AS d (round_id, day, logins)
  SELECT e.round_id, gh_round_day(a.created_at, r.started_at), -count(*)
  FROM accounts a JOIN email_messages e ON e.member_id = a.member_id JOIN invitation_rounds r ON r.id = e.round_id
  WHERE a.member_id = OLD.id AND a.created_at > r.started_at
  GROUP BY 1, 2
  ORDER BY 1, 2
  ON CONFLICT (round_id, day) DO UPDATE SET logins = d.logins + excluded.logins;
  RETURN OLD;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER members_round_logins_before_delete BEFORE DELETE ON members
  FOR EACH ROW EXECUTE FUNCTION gatehouse_round_logins_of_deleted_member();
--> statement-breakpoint
-- Logins recorded (sign-ins) and purged (housekeeping, after 180 days): per UTC day, the logins and the
-- different accounts. An account is new to a day when every row it has that day came in this statement.
-- Two sign-ins of one account in concurrent transactions could each believe it the first of the day, so
-- the day rows are locked first and counted afterwards, in a statement whose snapshot sees the other's.
CREATE FUNCTION gatehouse_login_days() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO login_days (day, logins, members)
    SELECT DISTINCT gh_utc_day(at), 0, 0 FROM new_rows ORDER BY 1
    ON CONFLICT (day) DO NOTHING;
    PERFORM 1 FROM login_days WHERE day IN (SELECT gh_utc_day(at) FROM new_rows) ORDER BY day FOR UPDATE;
    -- Per (day, account) of this statement: n rows here, `total` rows that day in all (at least n).
    UPDATE login_days d SET logins = d.logins + s.logins, members = d.members + s.members
    FROM (SELECT day, sum(n) AS logins, count(*) FILTER (WHERE total = n) AS members
          FROM (SELECT g.day, g.account_id, g.n, count(*) AS total
                FROM (SELECT gh_utc_day(at) AS day, account_id, count(*) AS n FROM new_rows GROUP BY 1, 2) g
                JOIN login_history h ON h.account_id = g.account_id AND gh_utc_day(h.at) = g.day
                 AND h.at >= to_timestamp(g.day * 86400::bigint) AND h.at < to_timestamp((g.day + 1) * 86400::bigint)
                GROUP BY 1, 2, 3) t
          GROUP BY day) s
    WHERE d.day = s.day;
  ELSE
    -- Per (day, account) of this statement: n rows gone, `remaining` rows still there that day.
    UPDATE login_days d SET logins = d.logins - s.logins, members = d.members - s.members
    FROM (SELECT day, sum(n) AS logins, count(*) FILTER (WHERE remaining = 0) AS members
          FROM (SELECT g.day, g.account_id, g.n, count(h.id) AS remaining
                FROM (SELECT gh_utc_day(at) AS day, account_id, count(*) AS n FROM old_rows GROUP BY 1, 2) g
                LEFT JOIN login_history h ON h.account_id = g.account_id AND gh_utc_day(h.at) = g.day
                 AND h.at >= to_timestamp(g.day * 86400::bigint) AND h.at < to_timestamp((g.day + 1) * 86400::bigint)
                GROUP BY 1, 2, 3) t
          GROUP BY day) s
    WHERE d.day = s.day;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER login_history_days_insert AFTER INSERT ON login_history
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_login_days();
--> statement-breakpoint
CREATE TRIGGER login_history_days_delete AFTER DELETE ON login_history
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_login_days();
--> statement-breakpoint
-- Members by what the admin home counts (on the roster, status, login, newest invitation failed). Most
-- updates (roster fields, invitation summaries of delivered messages) change none of these.
CREATE FUNCTION gh_on_roster(member_number text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT member_number NOT LIKE 'ADM-%' OR member_number !~ '^ADM-[0-9a-f]{6}$'
$$;
--> statement-breakpoint
CREATE FUNCTION gatehouse_member_figures() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  key text := 'gh_on_roster(%1$s.member_number), %1$s.status, %1$s.has_login, coalesce(%1$s.delivery_state = ''failed'', false)';
  changed text;
BEGIN
  IF TG_OP = 'INSERT' THEN
    changed := format('SELECT %s, 1 FROM new_rows n', format(key, 'n'));
  ELSIF TG_OP = 'DELETE' THEN
    changed := format('SELECT %s, -1 FROM old_rows o', format(key, 'o'));
  ELSE
    -- Static SQL, planned once per connection: the per-row has_login trigger on accounts issues one UPDATE
    -- of members per login created or removed, and each fires this (measured: dynamic SQL here made
    -- inserting 30k logins 25 times slower).
    INSERT INTO member_figures AS f (on_roster, status, has_login, failed, slot, members)
    SELECT c.on_roster, c.status, c.has_login, c.failed, pg_backend_pid() % 16, sum(c.sign)
    FROM (SELECT gh_on_roster(o.member_number) AS on_roster, o.status, o.has_login,
                 coalesce(o.delivery_state = 'failed', false) AS failed, -1 AS sign FROM old_rows o
          UNION ALL
          SELECT gh_on_roster(n.member_number), n.status, n.has_login, coalesce(n.delivery_state = 'failed', false), 1
          FROM new_rows n) c
    GROUP BY 1, 2, 3, 4 HAVING sum(c.sign) <> 0
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (on_roster, status, has_login, failed, slot) DO UPDATE SET members = f.members + excluded.members;
    RETURN NULL;
  END IF;
  EXECUTE format($q$
    INSERT INTO member_figures AS f (on_roster, status, has_login, failed, slot, members)
    SELECT on_roster, status, has_login, failed, pg_backend_pid() %% 16, sum(sign)
    FROM (%s) c(on_roster, status, has_login, failed, sign)
    GROUP BY 1, 2, 3, 4 HAVING sum(sign) <> 0
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (on_roster, status, has_login, failed, slot) DO UPDATE SET members = f.members + excluded.members$q$,
    changed);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER members_figures_insert AFTER INSERT ON members
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_member_figures();
--> statement-breakpoint
CREATE TRIGGER members_figures_update AFTER UPDATE ON members
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION gatehouse_member_figures();
--> statement-breakpoint
CREATE TRIGGER members_figures_delete AFTER DELETE ON members
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_member_figures();
--> statement-breakpoint
-- Backfill: today's figures, counted once the way the reports counted them. The triggers above already
-- hold the tables, so no write falls between the count and the first change it sees.
INSERT INTO round_figures (round_id, slot, sent, logged, failed, pending, not_sent)
SELECT round_id, 0,
       count(*) FILTER (WHERE gh_message_outcome(state) = 'sent'),
       count(*) FILTER (WHERE gh_message_outcome(state) = 'logged'),
       count(*) FILTER (WHERE gh_message_outcome(state) = 'failed'),
       count(*) FILTER (WHERE gh_message_outcome(state) = 'pending'),
       count(*) FILTER (WHERE gh_message_outcome(state) = 'not_sent')
FROM email_messages WHERE round_id IS NOT NULL GROUP BY round_id;
--> statement-breakpoint
INSERT INTO round_login_days (round_id, day, logins)
SELECT e.round_id, gh_round_day(a.created_at, r.started_at), count(*)
FROM email_messages e JOIN invitation_rounds r ON r.id = e.round_id JOIN accounts a ON a.member_id = e.member_id
WHERE a.created_at > r.started_at
GROUP BY 1, 2;
--> statement-breakpoint
INSERT INTO account_days (day, accounts) SELECT gh_utc_day(created_at), count(*) FROM accounts GROUP BY 1;
--> statement-breakpoint
INSERT INTO login_days (day, logins, members)
SELECT gh_utc_day(at), count(*), count(DISTINCT account_id) FROM login_history GROUP BY 1;
--> statement-breakpoint
INSERT INTO member_figures (on_roster, status, has_login, failed, slot, members)
SELECT gh_on_roster(member_number), status, has_login, coalesce(delivery_state = 'failed', false), 0, count(*)
FROM members GROUP BY 1, 2, 3, 4;
--> statement-breakpoint
INSERT INTO last_login_days (day, slot, accounts)
SELECT gh_utc_day(last_login_at), 0, count(*) FROM accounts WHERE last_login_at > created_at GROUP BY 1;
