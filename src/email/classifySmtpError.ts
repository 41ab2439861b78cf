/** What a failed delivery means for the message: try again later, or give up and tell the admin. */
export type DeliveryFailure = { status: 'temporary' | 'permanent'; error: string };

type ErrorLike = {
  message?: unknown;
  code?: unknown;
  originalCode?: unknown;
  response?: unknown;
  responseCode?: unknown;
  permanent?: unknown;
};

// Long multi-line server answers are kept readable in the Email Log and the roster's delivery column.
const MAX_ERROR_LENGTH = 500;

// Failures of the portal's own mail settings, not of the recipient: once an operator fixes SMTP_URL the
// same message goes through, so giving up on every member's invitation would be wrong.
const SETUP_CODES = new Set(['EAUTH', 'ENOAUTH', 'EOAUTH2', 'ETLS', 'EREQUIRETLS', 'ECONFIG', 'EPROXY']);

// Refused locally before any server saw the message (no or malformed recipient): retrying cannot help.
const LOCAL_PERMANENT_CODES = new Set(['EENVELOPE', 'EMAXRECIPIENTS']);

const asText = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

const tidy = (text: string): string => {
  const oneLine = text.replace(/\s*\r?\n\s*/g, ' ').trim();
  return oneLine.length > MAX_ERROR_LENGTH ? `${oneLine.slice(0, MAX_ERROR_LENGTH - 1)}…` : oneLine;
};

/**
 * Sorts a nodemailer error into temporary (4xx, timeouts, refused/reset connections, DNS) or permanent
 * (5xx from the server, an address nobody can deliver to). The error text leads with the server's own
 * answer ("550 5.1.1 mailbox unavailable") because that is what an admin can act on.
 */
export function classifySmtpError(err: unknown): DeliveryFailure {
  const e: ErrorLike =
    typeof err === 'object' && err !== null ? (err as ErrorLike) : { message: String(err) };
  const code = asText(e.code);
  const originalCode = asText(e.originalCode);
  const message = asText(e.message) ?? 'Unknown delivery error';
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;

  if (responseCode !== undefined) {
    const answer = asText(e.response) ?? `${responseCode} ${message}`;
    if (code && SETUP_CODES.has(code)) return { status: 'temporary', error: tidy(`${code}: ${answer}`) };
    // 503 (bad sequence of commands) is about the session, not the message; nodemailer says so in `permanent`.
    const permanent =
      typeof e.permanent === 'boolean'
        ? e.permanent
        : responseCode >= 500 && responseCode < 600 && responseCode !== 503;
    return { status: permanent ? 'permanent' : 'temporary', error: tidy(answer) };
  }

  const codes = [code, originalCode].filter((c): c is string => !!c && !message.includes(c));
  const error = tidy(codes.length ? `${message} (${codes.join(', ')})` : message);
  if (code && LOCAL_PERMANENT_CODES.has(code)) return { status: 'permanent', error };
  // Everything else (ECONNREFUSED, ECONNRESET, ETIMEDOUT, EDNS, a closed pool, the unknown) is worth
  // another attempt; the caller's retry limit decides when to stop.
  return { status: 'temporary', error };
}
