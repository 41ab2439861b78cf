CREATE TABLE "api_tokens" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"name_lower" text NOT NULL,
	"token_hash" text NOT NULL,
	"prefix" text NOT NULL,
	"scopes" text[] NOT NULL,
	"created_by" bigint,
	"created_by_label" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"revoked_by_label" text,
	"last_used_at" timestamp with time zone,
	"last_used_ip" text,
	CONSTRAINT "api_tokens_has_scopes" CHECK (cardinality("api_tokens"."scopes") > 0)
);
--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_created_by_accounts_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "api_tokens_token_hash_key" ON "api_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "api_tokens_live_name_key" ON "api_tokens" USING btree ("name_lower") WHERE revoked_at is null;--> statement-breakpoint
CREATE INDEX "api_tokens_created_at_idx" ON "api_tokens" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "members_updated_at_idx" ON "members" USING btree ("updated_at","id");--> statement-breakpoint
-- A login created or removed changes what the JSON API shows of the member, so a sync script pulling
-- `updated_since` must see it: the has_login upkeep moves updated_at too.
CREATE OR REPLACE FUNCTION gatehouse_sync_has_login() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE members SET has_login = true, updated_at = greatest(updated_at, now()) WHERE id = NEW.member_id;
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE members SET has_login = false, updated_at = greatest(updated_at, now()) WHERE id = OLD.member_id;
  END IF;
  RETURN NULL;
END;
$$;
