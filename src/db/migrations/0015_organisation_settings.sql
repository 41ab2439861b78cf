CREATE TABLE "organisation_settings" (
	"id" integer PRIMARY KEY NOT NULL,
	"org_name" text,
	"sender_name" text,
	"reply_to" text,
	"invitation_message" text,
	"link_expiry_days" integer,
	"updated_by" bigint,
	"updated_at" timestamp with time zone,
	CONSTRAINT "organisation_settings_one_row" CHECK ("organisation_settings"."id" = 1),
	CONSTRAINT "organisation_settings_link_expiry_days" CHECK ("organisation_settings"."link_expiry_days" between 1 and 365)
);
--> statement-breakpoint
ALTER TABLE "organisation_settings" ADD CONSTRAINT "organisation_settings_updated_by_accounts_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
INSERT INTO "organisation_settings" ("id") VALUES (1);
