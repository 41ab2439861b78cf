-- Search that forgives accents, and names sorted with their accents removed (Ångström under A), on every
-- engine (PGlite has no ICU). unaccent is a trusted extension (a database owner may create it), like pg_trgm.
CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public;--> statement-breakpoint
-- unaccent() itself is only STABLE: it finds its dictionary through search_path. Naming the dictionary and
-- the function by schema makes the result depend on the text alone, so declaring these wrappers IMMUTABLE
-- is safe, and stored generated columns (search_text, sort_last_name, sort_first_name) can use them.
-- gh_fold: lower-cased, accents removed. The stored search text and the typed term both go through it, so
-- they always fold alike ("Angstrom", "ångström" and "Ångström" are one word).
CREATE OR REPLACE FUNCTION gh_fold(text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$;--> statement-breakpoint
-- gh_name_key: a name's sort key, as people look names up: case and accents ignored ("de Vries" under D,
-- "Ångström" under A). The same folding as the search today; its own name, so the order can change apart.
CREATE OR REPLACE FUNCTION gh_name_key(text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$;--> statement-breakpoint
DROP INDEX "members_name_idx";--> statement-breakpoint
DROP INDEX "members_pending_name_idx";--> statement-breakpoint
DROP INDEX "members_pending_invitations_sent_idx";--> statement-breakpoint
DROP INDEX "members_pending_failed_idx";--> statement-breakpoint
DROP INDEX "members_pending_search_idx";--> statement-breakpoint
DROP INDEX "members_login_search_idx";--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "search_text" text GENERATED ALWAYS AS (gh_fold(' ' || first_name || ' ' || last_name || ' ' || email_lower || ' ' || member_number || ' ')) STORED;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "sort_last_name" text GENERATED ALWAYS AS (gh_name_key(last_name)) STORED;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "sort_first_name" text GENERATED ALWAYS AS (gh_name_key(first_name)) STORED;--> statement-breakpoint
CREATE INDEX "members_name_idx" ON "members" USING btree ("sort_last_name","sort_first_name","id");--> statement-breakpoint
CREATE INDEX "members_pending_name_idx" ON "members" USING btree ("sort_last_name","sort_first_name","id") WHERE not has_login;--> statement-breakpoint
CREATE INDEX "members_pending_invitations_sent_idx" ON "members" USING btree ("invitations_sent","sort_last_name","sort_first_name","id") WHERE not has_login;--> statement-breakpoint
CREATE INDEX "members_pending_failed_idx" ON "members" USING btree ("sort_last_name","sort_first_name","id") WHERE not has_login and delivery_state = 'failed';--> statement-breakpoint
CREATE INDEX "members_pending_search_idx" ON "members" USING gin (search_text gin_trgm_ops) WHERE not has_login;--> statement-breakpoint
CREATE INDEX "members_login_search_idx" ON "members" USING gin (search_text gin_trgm_ops) WHERE has_login;