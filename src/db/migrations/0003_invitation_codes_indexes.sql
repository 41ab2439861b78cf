-- Trigram search for Invitation Codes (pg_trgm is a trusted extension: a database owner may create it).
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE INDEX "members_pending_name_idx" ON "members" USING btree ("last_name","first_name","id") WHERE not has_login;--> statement-breakpoint
CREATE INDEX "members_pending_number_idx" ON "members" USING btree ("member_number","id") WHERE not has_login;--> statement-breakpoint
CREATE INDEX "members_pending_email_idx" ON "members" USING btree ("email_lower","id") WHERE not has_login;--> statement-breakpoint
CREATE INDEX "members_pending_last_invited_idx" ON "members" USING btree (coalesce(last_invited_at, '-infinity'::timestamptz),"id") WHERE not has_login;--> statement-breakpoint
CREATE INDEX "members_pending_invitations_sent_idx" ON "members" USING btree ("invitations_sent","last_name","first_name","id") WHERE not has_login;--> statement-breakpoint
CREATE INDEX "members_pending_search_idx" ON "members" USING gin ((' ' || lower(first_name) || ' ' || lower(last_name) || ' ' || email_lower || ' ' || lower(member_number) || ' ') gin_trgm_ops) WHERE not has_login;