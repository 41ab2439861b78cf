ALTER TABLE "form_submissions" DROP CONSTRAINT "form_submissions_account_id_key_pk";--> statement-breakpoint
ALTER TABLE "form_submissions" ALTER COLUMN "account_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "form_submissions" ADD COLUMN "api_token_id" bigint;--> statement-breakpoint
ALTER TABLE "form_submissions" ADD CONSTRAINT "form_submissions_api_token_id_api_tokens_id_fk" FOREIGN KEY ("api_token_id") REFERENCES "public"."api_tokens"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "form_submissions" ADD CONSTRAINT "form_submissions_submitter_key" UNIQUE NULLS NOT DISTINCT("account_id","api_token_id","key");--> statement-breakpoint
ALTER TABLE "form_submissions" ADD CONSTRAINT "form_submissions_one_submitter" CHECK (num_nonnulls("form_submissions"."account_id", "form_submissions"."api_token_id") = 1);