/**
 * A faulty mail server for the chaos bench: a real smtp-server on a loopback port that, per delivery
 * attempt, accepts, answers 4xx, answers 5xx (per address, so a retry keeps failing), stalls, or takes the
 * whole message and then cuts the connection before answering the final dot (the ambiguous case of RFC
 * 1047). Every message it has in full is recorded with its recipient and invitation link, whether or not
 * the client heard "250": for the member, a message the server has is a message that arrived.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerError } from 'smtp-server';
import { cutConnection } from '../../tests/smtpConnections.ts';

export type FaultRates = {
  /** Share of addresses that always get 550 (a mailbox that does not exist). */
  permanent: number;
  /** Share of addresses that always get 451 (greylisting that never ends: retried until attempts run out). */
  alwaysTemporary: number;
  /** Per attempt: 451, accept the whole message then drop the connection, stall the RCPT answer. */
  temporary: number;
  postDataDrop: number;
  stall: number;
};

export type AcceptedCopy = { to: string; token: string | null; code: string | null; dropped: boolean };

export type FaultCounts = {
  attempts: number;
  accepted: number;
  temporary: number;
  permanent: number;
  postDataDrops: number;
  stalls: number;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** FNV-1a to [0, 1): the same seed, address and attempt number always draw the same fault. */
export function draw(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const ch of parts.join('\u0000')) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d) >>> 0;
  h ^= h >>> 12;
  return (h >>> 0) / 2 ** 32;
}

const smtpError = (code: number, message: string): SMTPServerError =>
  Object.assign(new Error(message), { responseCode: code });

// Quoted-printable soft line breaks may split the link; base64url and the code never contain "=".
const LINK = /\/invite\/([A-Za-z0-9_-]{43})\b/;
const CODE = /\b([A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4})\b/;

async function linkAndCode(raw: Buffer): Promise<{ token: string | null; code: string | null }> {
  const plain = raw.toString('latin1').replace(/=\r?\n/g, '');
  let token = LINK.exec(plain)?.[1] ?? null;
  let code = CODE.exec(plain)?.[1] ?? null;
  if (!token || !code) {
    const parsed = await simpleParser(raw); // base64 bodies: decode properly
    token ??= LINK.exec(parsed.text ?? '')?.[1] ?? null;
    code ??= CODE.exec(parsed.text ?? '')?.[1] ?? null;
  }
  return { token, code };
}

export async function startFaultySmtp(opts: {
  seed: number;
  rates: FaultRates;
  /** How long the server "works" on each message before answering (sets the pace of the round). */
  acceptDelayMs: number;
  /** How long a stalled RCPT answer takes (beyond the delivery lease, so only lease renewal saves it). */
  stallMs: number;
}) {
  const { seed, rates } = opts;
  const accepted: AcceptedCopy[] = [];
  const counts: FaultCounts = {
    attempts: 0,
    accepted: 0,
    temporary: 0,
    permanent: 0,
    postDataDrops: 0,
    stalls: 0,
  };
  const attemptsPerAddress = new Map<string, number>();
  const dropAfterData = new Set<string>(); // session ids whose current message is to be dropped

  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    logger: false,
    banner: 'Gatehouse chaos bench (faulty on purpose)',
    closeTimeout: 200,
    onRcptTo(address, session, callback) {
      const to = address.address.toLowerCase();
      const attempt = (attemptsPerAddress.get(to) ?? 0) + 1;
      attemptsPerAddress.set(to, attempt);
      counts.attempts += 1;
      dropAfterData.delete(session.id);
      if (draw(seed, 'permanent', to) < rates.permanent) {
        counts.permanent += 1;
        return callback(smtpError(550, '5.1.1 mailbox unavailable (chaos bench)'));
      }
      if (draw(seed, 'always-temporary', to) < rates.alwaysTemporary) {
        counts.temporary += 1;
        return callback(smtpError(451, '4.7.1 greylisted, try again later (chaos bench)'));
      }
      // One draw per attempt, cut into bands: 4xx, post-DATA drop, stall, else a plain accept.
      const r = draw(seed, 'attempt', to, attempt);
      if (r < rates.temporary) {
        counts.temporary += 1;
        return callback(smtpError(451, '4.3.0 temporary failure (chaos bench)'));
      }
      if (r < rates.temporary + rates.postDataDrop) {
        dropAfterData.add(session.id);
        return callback();
      }
      if (r < rates.temporary + rates.postDataDrop + rates.stall) {
        counts.stalls += 1;
        return void setTimeout(() => callback(), opts.stallMs);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.once('end', async () => {
        const { token, code } = await linkAndCode(Buffer.concat(chunks));
        const dropped = dropAfterData.delete(session.id);
        for (const r of session.envelope.rcptTo)
          accepted.push({ to: r.address.toLowerCase(), token, code, dropped });
        counts.accepted += 1;
        if (dropped) {
          counts.postDataDrops += 1;
          // The server has the message; the client never hears so (the ambiguous disconnect).
          cutConnection(server, session.id);
          return;
        }
        await sleep(opts.acceptDelayMs);
        callback(null, 'OK: queued (chaos bench)');
      });
    },
  });
  // Killed workers reset their connections; smtp-server reports that as an error event.
  server.on('error', () => {});
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    accepted,
    counts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
