-- Clear All Usernames and Restore change the logins in one transaction and bring members.has_login up to
-- date afterwards, in short batches walked by member id (decision 0031): at a million members that update
-- was most of a clear, and every page waited for it behind the clear's locks.
DROP INDEX "cleared_logins_clear_id_idx";--> statement-breakpoint
ALTER TABLE "login_clear_requests" ADD COLUMN "members_cursor" bigint;--> statement-breakpoint
ALTER TABLE "login_clear_requests" ADD COLUMN "members_updated" integer;--> statement-breakpoint
CREATE INDEX "cleared_logins_clear_id_member_id_idx" ON "cleared_logins" USING btree ("clear_id","member_id");--> statement-breakpoint
-- The statement-level has_login upkeep of migration 0022 stands aside inside a transaction that has set
-- gatehouse.has_login_later (set_config(…, true): that transaction only), where the batches take over.
CREATE OR REPLACE FUNCTION gatehouse_logins_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('gatehouse.has_login_later', true) = 'on' THEN
    RETURN NULL;
  END IF;
  UPDATE members m SET has_login = true, updated_at = greatest(m.updated_at, now())
  FROM added a WHERE m.id = a.member_id;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION gatehouse_logins_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('gatehouse.has_login_later', true) = 'on' THEN
    RETURN NULL;
  END IF;
  UPDATE members m SET has_login = false, updated_at = greatest(m.updated_at, now())
  FROM removed r WHERE m.id = r.member_id;
  RETURN NULL;
END;
$$;
