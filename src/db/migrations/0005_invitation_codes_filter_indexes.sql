-- Invitation Codes filters (see src/domain/invitations/pendingMembers.ts). A partial expression index gets
-- no statistics of its own, so the planner guessed at "invited" / "last sent before" conditions written on
-- the never-invited sentinel (a date matching nobody: 1.4 s on 1M members); these statistics give it the
-- real distribution. drizzle-kit does not model statistics objects: this line was added by hand.
CREATE STATISTICS IF NOT EXISTS "members_last_invited_stats" ON (coalesce(last_invited_at, '-infinity'::timestamptz)) FROM "members";--> statement-breakpoint
CREATE INDEX "members_pending_failed_idx" ON "members" USING btree ("last_name","first_name","id") WHERE not has_login and delivery_state = 'failed';
