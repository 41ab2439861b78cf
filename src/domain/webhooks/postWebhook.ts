import type { ClaimedWebhook } from './claimDueWebhooks.ts';
import { signWebhook } from './signature.ts';

/** How much of an answer's body is kept with the attempt. */
export const SNIPPET_BYTES = 1024;
export const WEBHOOK_TIMEOUT_MS = 10_000;

export type WebhookAnswer = {
  startedAt: Date;
  durationMs: number;
  statusCode: number | null;
  snippet: string | null;
  error: string | null;
};

/** Reads at most SNIPPET_BYTES of the answer and drops the rest unread. */
async function snippetOf(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < SNIPPET_BYTES) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel().catch(() => {});
  return Buffer.concat(chunks).subarray(0, SNIPPET_BYTES).toString('utf8');
}

/**
 * One POST of a delivery, signed per Standard Webhooks. Redirects are never followed (a 3xx is an answer
 * like any other non-2xx), and an answer slower than `timeoutMs` is a failed attempt. Never throws.
 */
export async function postWebhook(
  delivery: ClaimedWebhook,
  now: Date,
  timeoutMs = WEBHOOK_TIMEOUT_MS,
): Promise<WebhookAnswer> {
  const timestamp = Math.floor(now.getTime() / 1000);
  const started = performance.now();
  const answer = (statusCode: number | null, snippet: string | null, error: string | null) => ({
    startedAt: now,
    durationMs: Math.round(performance.now() - started),
    statusCode,
    snippet,
    error,
  });
  try {
    const response = await fetch(delivery.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Gatehouse-Webhooks',
        'webhook-id': delivery.eventId,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signWebhook(delivery.secret, delivery.eventId, timestamp, delivery.body),
      },
      body: delivery.body,
    });
    const snippet = await snippetOf(response);
    return answer(response.status, snippet, null);
  } catch (error) {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    const why =
      e.name === 'TimeoutError'
        ? `No answer within ${timeoutMs / 1000} s.`
        : (e.cause?.code ?? e.cause?.message ?? e.message);
    return answer(null, null, why);
  }
}
