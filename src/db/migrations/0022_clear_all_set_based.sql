CREATE TABLE "login_clear_requests" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"actor_account_id" bigint,
	"actor_label" text NOT NULL,
	"actor_ip" text,
	"include_admins" boolean DEFAULT false NOT NULL,
	"confirmed" integer,
	"clear_id" bigint,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"done" integer,
	"skipped" integer,
	"failure" text
);
--> statement-breakpoint
ALTER TABLE "login_clear_requests" ADD CONSTRAINT "login_clear_requests_clear_id_login_clears_id_fk" FOREIGN KEY ("clear_id") REFERENCES "public"."login_clears"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "login_clear_requests_requested_at_idx" ON "login_clear_requests" USING btree ("requested_at");--> statement-breakpoint
CREATE UNIQUE INDEX "login_clear_requests_one_unfinished_key" ON "login_clear_requests" USING btree ((true)) WHERE finished_at is null;--> statement-breakpoint
-- members.has_login (and updated_at, for the JSON API's updated_since) kept once per statement instead of
-- once per row: one UPDATE … FROM the statement's transition table. A Clear All or Restore of 600k logins
-- was spending most of its time in 600k single-row updates; a single login created or removed behaves as
-- before. The AFTER INSERT trigger keeps the old name, so scripts that disable it around a bulk load work.
CREATE FUNCTION gatehouse_logins_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE members m SET has_login = true, updated_at = greatest(m.updated_at, now())
  FROM added a WHERE m.id = a.member_id;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION gatehouse_logins_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE members m SET has_login = false, updated_at = greatest(m.updated_at, now())
  FROM removed r WHERE m.id = r.member_id;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
DROP TRIGGER accounts_sync_has_login ON accounts;
--> statement-breakpoint
DROP FUNCTION gatehouse_sync_has_login();
--> statement-breakpoint
CREATE TRIGGER accounts_sync_has_login AFTER INSERT ON accounts
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_logins_added();
--> statement-breakpoint
CREATE TRIGGER accounts_sync_has_login_removed AFTER DELETE ON accounts
  REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_logins_removed();
