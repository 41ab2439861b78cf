CREATE TABLE "cleared_logins" (
	"clear_id" bigint NOT NULL,
	"account_id" bigint NOT NULL,
	"member_id" bigint NOT NULL,
	"username" text NOT NULL,
	"username_lower" text NOT NULL,
	"password_hash" text NOT NULL,
	"role" text NOT NULL,
	"must_change_password" boolean NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"password_changed_at" timestamp with time zone NOT NULL,
	"last_login_at" timestamp with time zone,
	"restored_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "login_clears" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor_account_id" bigint,
	"actor_label" text NOT NULL,
	"included_admins" boolean NOT NULL,
	"removed" integer NOT NULL,
	"restorable_until" timestamp with time zone NOT NULL,
	"restored_at" timestamp with time zone,
	"restored_by_label" text
);
--> statement-breakpoint
CREATE TABLE "login_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"ip" text,
	"user_agent" text
);
--> statement-breakpoint
CREATE TABLE "password_resets" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "email_messages" ADD COLUMN "password_reset_id" bigint;--> statement-breakpoint
ALTER TABLE "cleared_logins" ADD CONSTRAINT "cleared_logins_clear_id_login_clears_id_fk" FOREIGN KEY ("clear_id") REFERENCES "public"."login_clears"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cleared_logins" ADD CONSTRAINT "cleared_logins_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "login_clears" ADD CONSTRAINT "login_clears_actor_account_id_accounts_id_fk" FOREIGN KEY ("actor_account_id") REFERENCES "public"."accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "login_history" ADD CONSTRAINT "login_history_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "password_resets" ADD CONSTRAINT "password_resets_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cleared_logins_clear_id_idx" ON "cleared_logins" USING btree ("clear_id");--> statement-breakpoint
CREATE INDEX "cleared_logins_member_id_idx" ON "cleared_logins" USING btree ("member_id");--> statement-breakpoint
CREATE INDEX "login_clears_at_idx" ON "login_clears" USING btree ("at");--> statement-breakpoint
CREATE INDEX "login_history_account_at_idx" ON "login_history" USING btree ("account_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "password_resets_token_hash_key" ON "password_resets" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "password_resets_account_id_idx" ON "password_resets" USING btree ("account_id");