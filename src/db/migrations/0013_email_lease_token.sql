ALTER TABLE "email_messages" ADD COLUMN "lease_token" text;--> statement-breakpoint
ALTER TABLE "email_messages" ADD COLUMN "may_have_arrived" boolean DEFAULT false NOT NULL;