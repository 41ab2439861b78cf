import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One POST as the receiver saw it, and whether its signature held. */
export type Received = {
  id: string;
  timestamp: number;
  type: string;
  body: Record<string, unknown> & { data: Record<string, unknown> };
  /** Checked here with node:crypto, from the Standard Webhooks rules, not with the portal's code. */
  verified: boolean;
  /** Checked with the `standardwebhooks` package too, when the timestamp is within its 5 minutes. */
  verifiedByLibrary: boolean | null;
};

/** Standard Webhooks: HMAC-SHA256 keyed with base64-decoded `whsec_…`, over `id.timestamp.body`; any `v1,` entry. */
function verify(secret: string, id: string, timestamp: string, body: string, header: string): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  return header.split(' ').some((entry) => {
    const [version, mac] = entry.split(',');
    const given = Buffer.from(mac ?? '', 'base64');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

function libraryVerdict(secret: string, body: string, headers: Record<string, string>, timestamp: number) {
  if (Math.abs(Date.now() / 1000 - timestamp) > 240) return null;
  try {
    new Webhook(secret).verify(body, headers);
    return true;
  } catch {
    return false;
  }
}

/**
 * A real HTTP receiver on 127.0.0.1: counts every POST by `webhook-id` and answers what `answer` says
 * (a status after an optional delay; `hang` never answers).
 */
export async function startWebhookReceiver() {
  const received: Received[] = [];
  const state = { secret: '', answer: { status: 200, delayMs: 0, hang: false, body: 'ok' } };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const headers = {
        'webhook-id': String(req.headers['webhook-id']),
        'webhook-timestamp': String(req.headers['webhook-timestamp']),
        'webhook-signature': String(req.headers['webhook-signature']),
      };
      const timestamp = Number(headers['webhook-timestamp']);
      const body = JSON.parse(raw);
      received.push({
        id: headers['webhook-id'],
        timestamp,
        type: body.type,
        body,
        verified: verify(
          state.secret,
          headers['webhook-id'],
          headers['webhook-timestamp'],
          raw,
          headers['webhook-signature'],
        ),
        verifiedByLibrary: libraryVerdict(state.secret, raw, headers, timestamp),
      });
      const { status, delayMs, hang, body: answer } = state.answer;
      if (hang) return;
      setTimeout(() => res.writeHead(status, { 'content-type': 'text/plain' }).end(answer), delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    state,
    /** How many POSTs each webhook-id got. */
    countsById: () => {
      const counts = new Map<string, number>();
      for (const r of received) counts.set(r.id, (counts.get(r.id) ?? 0) + 1);
      return counts;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
