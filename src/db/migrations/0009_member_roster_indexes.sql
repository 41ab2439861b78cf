CREATE INDEX "accounts_last_login_idx" ON "accounts" USING btree ("last_login_at","member_id") WHERE last_login_at is not null;--> statement-breakpoint
CREATE INDEX "accounts_never_logged_in_idx" ON "accounts" USING btree ("member_id") WHERE last_login_at is null;--> statement-breakpoint
CREATE INDEX "accounts_created_at_idx" ON "accounts" USING btree ("created_at","member_id");--> statement-breakpoint
CREATE INDEX "members_failed_idx" ON "members" USING btree ("id") WHERE delivery_state = 'failed';