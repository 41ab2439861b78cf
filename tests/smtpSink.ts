import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerError } from 'smtp-server';
import { afterAll, beforeAll } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { createMailer, type Mailer } from '../src/email/mailer.ts';
import { cutConnection } from './smtpConnections.ts';

/** How the sink answers RCPT TO for one address: a reply code (451, 550, …) and/or a delay first. */
export type RecipientRule = {
  code?: number;
  message?: string;
  delayMs?: number;
  /** Keeps the message (it arrived) but cuts the connection instead of answering the final dot. */
  dropAfterData?: boolean;
};

export type SinkMessage = {
  /** Envelope recipients (RCPT TO), which is who the message was actually delivered to. */
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  /** Raw header values by lower-cased name (the last one wins when a header repeats). */
  headers: Record<string, string>;
  /** performance.now() when the client began the message (DATA), for measuring the sending rate. */
  receivedAt: number;
};

export type SmtpSinkOptions = {
  /** Rules per recipient address (case-insensitive); more can be added later through `respondTo`. */
  respondTo?: Record<string, RecipientRule>;
  /** Waits this long before accepting each message's data (a slow or stalled server). */
  dataDelayMs?: number;
  /**
   * Keeps only each message's envelope (recipients, sender, arrival), still parsing it in full: a
   * benchmark's million messages would otherwise keep gigabytes alive in the process that measures.
   */
  envelopeOnly?: boolean;
};

export type SmtpSink = {
  url: string;
  port: number;
  messages: SinkMessage[];
  /** SMTP connections opened so far (a pooled client opens at most its pool size). */
  readonly connections: number;
  /** Messages per recipient address: a duplicate delivery shows up as a count above 1. */
  byRecipient(): Map<string, number>;
  respondTo: Map<string, RecipientRule>;
  /** Resolves once `n` messages have arrived in total; rejects after `timeoutMs`. */
  waitForMessages(n: number, timeoutMs?: number): Promise<SinkMessage[]>;
  close(): Promise<void>;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function smtpError(code: number, message: string): SMTPServerError {
  return Object.assign(new Error(message), { responseCode: code });
}

function headerRecord(lines: readonly { key: string; line: string }[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (const { key, line } of lines)
    record[key] = line
      .slice(line.indexOf(':') + 1)
      .replace(/\r?\n\s+/g, ' ')
      .trim();
  return record;
}

/**
 * A real SMTP server on a free loopback port that parses and keeps every message, so tests exercise the
 * mailer's real protocol path (pooling, rate limits, 4xx/5xx answers) instead of a mock.
 */
export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const messages: SinkMessage[] = [];
  const respondTo = new Map(
    Object.entries(options.respondTo ?? {}).map(([address, rule]) => [address.toLowerCase(), rule]),
  );
  const waiters = new Set<() => void>();
  let connections = 0;
  // Sessions whose client has gone: a message they sent in full but never heard "250" for was not accepted.
  const gone = new Set<string>();

  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    logger: false,
    banner: 'Gatehouse test sink',
    // Connections still open at close() are cut after this long instead of smtp-server's default 30 s.
    closeTimeout: 200,
    onConnect(_session, callback) {
      connections += 1;
      callback();
    },
    onClose(session) {
      gone.add(session.id);
    },
    onAuth: (_auth, _session, callback) => callback(null, { user: 'test' }),
    onRcptTo(address, _session, callback) {
      const rule = respondTo.get(address.address.toLowerCase());
      const answer = () =>
        rule?.code ? callback(smtpError(rule.code, rule.message ?? 'rejected by test sink')) : callback();
      if (rule?.delayMs) setTimeout(answer, rule.delayMs);
      else answer();
    },
    onData(stream, session, callback) {
      const receivedAt = performance.now();
      simpleParser(stream)
        .then(async (parsed) => {
          if (options.dataDelayMs) await sleep(options.dataDelayMs);
          if (gone.has(session.id)) throw new Error('client went away before the message was accepted');
          const content = options.envelopeOnly
            ? { subject: '', text: '', html: '', headers: {} }
            : {
                subject: parsed.subject ?? '',
                text: parsed.text ?? '',
                html: parsed.html || '',
                headers: headerRecord(parsed.headerLines),
              };
          messages.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            ...content,
            receivedAt,
          });
          for (const wake of waiters) wake();
          const dropped = session.envelope.rcptTo.some(
            (r) => respondTo.get(r.address.toLowerCase())?.dropAfterData,
          );
          if (dropped) {
            cutConnection(server, session.id);
            return;
          }
          callback(null, 'Message accepted by test sink');
        })
        .catch((err: Error) => callback(err));
    },
  });
  // A client that dies mid-session (the kill-and-resume test SIGKILLs the portal) resets its connection;
  // smtp-server reports that as an 'error' event, which without a listener would crash the test run.
  server.on('error', () => {});
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    get connections() {
      return connections;
    },
    respondTo,
    byRecipient() {
      const counts = new Map<string, number>();
      for (const m of messages) for (const to of m.to) counts.set(to, (counts.get(to) ?? 0) + 1);
      return counts;
    },
    waitForMessages(n, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (messages.length < n) return;
          cleanup();
          resolve(messages);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`expected ${n} messages within ${timeoutMs} ms, got ${messages.length}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A sink and a mailer that delivers to it, for one test file: started before its tests, closed after.
 * Read `mail.sink` / `mail.mailer` inside tests (they exist once beforeAll has run).
 */
export function useSmtpSink(env: Record<string, string> = {}): { sink: SmtpSink; mailer: Mailer } {
  const mail = {} as { sink: SmtpSink; mailer: Mailer };
  beforeAll(async () => {
    mail.sink = await startSmtpSink();
    mail.mailer = createMailer(loadConfig({ SMTP_URL: mail.sink.url, ...env }));
  });
  afterAll(async () => {
    await mail.mailer.close();
    await mail.sink.close();
  });
  return mail;
}
