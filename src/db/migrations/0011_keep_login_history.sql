ALTER TABLE "login_history" DROP CONSTRAINT "login_history_account_id_accounts_id_fk";
--> statement-breakpoint
CREATE INDEX "invitation_rounds_started_by_idx" ON "invitation_rounds" USING btree ("started_by");