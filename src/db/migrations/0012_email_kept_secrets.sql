ALTER TABLE "email_messages" ADD COLUMN "kept_secrets" jsonb;--> statement-breakpoint
-- Copies kept by earlier versions without SMTP held working links in their bodies, readable by every
-- Administrator (issue 9): they lose them. A reset link is only ever for the member's mailbox; an
-- invitation that is still needed can be issued again (Re-enable Invite Link, Resend).
UPDATE "email_messages" SET
  "text_body" = regexp_replace(regexp_replace("text_body",
    '/(invite|reset-password)/[A-Za-z0-9_-]{20,}', '/\1/[not stored]', 'g'),
    '\m[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}\M', '[not stored]', 'g'),
  "html_body" = regexp_replace(regexp_replace("html_body",
    '/(invite|reset-password)/[A-Za-z0-9_-]{20,}', '/\1/[not stored]', 'g'),
    '\m[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}\M', '[not stored]', 'g')
WHERE "kind" IN ('invitation', 'password_reset');
