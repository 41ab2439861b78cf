-- Search that forgives accents, names sorted as people expect (Ångström under A) on every engine.
-- unaccent is a trusted extension (a database owner may create it), like pg_trgm in 0003.
CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public;--> statement-breakpoint
-- gh_fold: lower-cased, accents removed. unaccent() itself is only STABLE (it reads a dictionary found
-- through search_path); naming the dictionary and the function by schema makes the result depend on the
-- text alone, so declaring the wrapper IMMUTABLE is safe and lets indexes use it. The search text, the
-- typed term and the name sort keys all go through this one function, so they always fold alike.
CREATE OR REPLACE FUNCTION gh_fold(text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$;--> statement-breakpoint
DROP INDEX "members_name_idx";--> statement-breakpoint
DROP INDEX "members_pending_name_idx";--> statement-breakpoint
DROP INDEX "members_pending_invitations_sent_idx";--> statement-breakpoint
DROP INDEX "members_pending_failed_idx";--> statement-breakpoint
DROP INDEX "members_pending_search_idx";--> statement-breakpoint
DROP INDEX "members_login_search_idx";--> statement-breakpoint
CREATE INDEX "members_name_idx" ON "members" USING btree (gh_fold(last_name),gh_fold(first_name),"id");--> statement-breakpoint
CREATE INDEX "members_pending_name_idx" ON "members" USING btree (gh_fold(last_name),gh_fold(first_name),"id") WHERE not has_login;--> statement-breakpoint
CREATE INDEX "members_pending_invitations_sent_idx" ON "members" USING btree ("invitations_sent",gh_fold(last_name),gh_fold(first_name),"id") WHERE not has_login;--> statement-breakpoint
CREATE INDEX "members_pending_failed_idx" ON "members" USING btree (gh_fold(last_name),gh_fold(first_name),"id") WHERE not has_login and delivery_state = 'failed';--> statement-breakpoint
CREATE INDEX "members_pending_search_idx" ON "members" USING gin (gh_fold(' ' || first_name || ' ' || last_name || ' ' || email_lower || ' ' || member_number || ' ') gin_trgm_ops) WHERE not has_login;--> statement-breakpoint
CREATE INDEX "members_login_search_idx" ON "members" USING gin (gh_fold(' ' || first_name || ' ' || last_name || ' ' || email_lower || ' ' || member_number || ' ') gin_trgm_ops) WHERE has_login;