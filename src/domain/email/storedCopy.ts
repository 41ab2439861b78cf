import type { KeptSecret } from '../../db/schema.ts';

/** A secret a message carries: what it is, and whether the Email Log may ever keep it. */
export type MessageSecret = KeptSecret & {
  /**
   * False for a password reset link: it is only ever for the member's own mailbox, so not even a
   * Security Administrator may read it from the Email Log (they can set a temporary password instead).
   */
  keepable: boolean;
};

export type StoredCopy = {
  subject: string;
  text: string;
  html: string;
  /** The kept secrets, in marker order; null when nothing is kept. */
  kept: KeptSecret[] | null;
};

export const NOT_STORED = '[not stored]';

/** What stands in a kept message's bodies for its secret number `i`; read back by emailLog/keptSecrets. */
export const secretMarker = (i: number) => `{{gatehouse-secret:${i}}}`;
export const SECRET_MARKER = /\{\{gatehouse-secret:(\d+)\}\}/g;
export const SECRET_MARKER_HREF = /href="\{\{gatehouse-secret:\d+\}\}"/g;

/**
 * What the Email Log keeps of a message. Its bodies never hold a secret: once mail went to a real
 * server, and always for a reset link, the secret is replaced by "[not stored]" (only the member's
 * mailbox has it). Without an SMTP server the Email Log is where a newcomer's invitation waits, so its
 * link and code are kept beside the bodies, with markers in their place, for an audited reveal.
 * Secrets are listed longest first by the renderer (the link before its token), so a whole link is
 * replaced by one marker.
 */
export function storedCopy(
  email: { subject: string; text: string; html: string },
  secrets: MessageSecret[],
  delivers: boolean,
): StoredCopy {
  const kept: KeptSecret[] = [];
  const replacement = (secret: MessageSecret) => {
    if (delivers || !secret.keepable) return NOT_STORED;
    kept.push({ label: secret.label, value: secret.value });
    return secretMarker(kept.length - 1);
  };
  const replacements = secrets.map((secret) => [secret.value, replacement(secret)] as const);
  const scrub = (s: string) => replacements.reduce((acc, [value, by]) => acc.replaceAll(value, by), s);
  return {
    subject: email.subject,
    text: scrub(email.text),
    html: scrub(email.html),
    kept: kept.length > 0 ? kept : null,
  };
}
