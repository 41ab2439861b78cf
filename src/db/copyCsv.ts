import { type SQL, sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import pg from 'pg';

const dialect = new PgDialect();
/** Bytes handed on at a time: the socket's own reads are about this size. */
const CHUNK_BYTES = 64 * 1024;
/** Chunks waiting for the caller before the socket is paused (the server then waits on TCP): ~256 KiB. */
const MAX_WAITING = 4;
const CR = 13;
const LF = 10;

/**
 * A query's rows as CSV, written by the server (`COPY (…) TO STDOUT (FORMAT csv)`) on a pooled connection
 * of its own — one statement, so one snapshot — in Buffers of about 64 KiB, each record ended with CRLF
 * (RFC 4180) where COPY ends it with LF. COPY quotes a value holding a comma, a quote, CR or LF and doubles
 * its quotes, as RFC 4180 asks; a NULL is an empty cell, an empty string `""`.
 *
 * The server formats and sends the rows as fast as it can; when the caller falls behind, the socket is
 * paused, so memory holds a few chunks whatever the size of the result. Stopping early (a download cut
 * short) ends the connection, and with it the statement on the server; the pool opens another.
 */
export async function* copyCsv(pool: pg.Pool, query: SQL): AsyncGenerator<Buffer> {
  // COPY takes no bind parameters: they are written into the statement as quoted literals.
  const { sql: text } = dialect.sqlToQuery(sql`copy (${query}) to stdout with (format csv)`.inlineParams());
  const client = await pool.connect();
  const copy = client.query(new CsvCopyOut(text));
  let finished = false;
  try {
    for (let chunk = await copy.next(); chunk !== null; chunk = await copy.next()) yield chunk;
    finished = true;
  } finally {
    // An error the server reported leaves the connection usable. Otherwise (stopped early, or the
    // connection broke) the pool ends the client, and pg ends a client whose query is still running by
    // destroying its socket: the server's next send fails and the statement ends.
    const usable = finished || copy.error instanceof pg.DatabaseError;
    client.release(usable ? undefined : (copy.error ?? new Error('COPY not read to its end')));
  }
}

/**
 * A pg Submittable for one `COPY … TO STDOUT`: the server sends one CopyData message per row (the protocol
 * says so), which is copied at once — pg reuses its read buffer — into the current chunk, LF made CRLF.
 */
class CsvCopyOut implements pg.Submittable {
  private connection: pg.Connection | undefined;
  private chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private used = 0;
  private readonly ready: Buffer[] = [];
  private paused = false;
  private done = false;
  /** Why the statement ended without completing: the server's error, or the connection's. */
  error: Error | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly text: string) {}

  submit(connection: pg.Connection) {
    this.connection = connection;
    connection.query(this.text);
  }

  handleCopyData(message: { chunk: Buffer }) {
    const row = message.chunk;
    const length = row.length - 1; // COPY's LF
    if (this.used + length + 2 > this.chunk.length) {
      this.flush();
      if (length + 2 > this.chunk.length) this.chunk = Buffer.allocUnsafe(length + 2);
    }
    row.copy(this.chunk, this.used, 0, length);
    this.chunk[this.used + length] = CR;
    this.chunk[this.used + length + 1] = LF;
    this.used += length + 2;
  }

  handleCommandComplete() {
    this.flush();
    this.finish();
  }

  handleError(error: Error) {
    this.error ??= error;
    this.finish();
  }

  handleReadyForQuery() {}

  /** The next chunk, or null once the statement is complete; throws the statement's error. */
  async next(): Promise<Buffer | null> {
    while (this.ready.length === 0 && !this.done) await new Promise<void>((resolve) => (this.wake = resolve));
    if (this.error) throw this.error;
    const chunk = this.ready.shift() ?? null;
    if (this.paused && this.ready.length < MAX_WAITING / 2) {
      this.paused = false;
      this.connection?.stream.resume();
    }
    return chunk;
  }

  private flush() {
    if (this.used === 0) return;
    this.ready.push(this.chunk.subarray(0, this.used));
    this.chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    this.used = 0;
    if (this.ready.length >= MAX_WAITING && !this.paused) {
      this.paused = true;
      this.connection?.stream.pause();
    }
    this.signal();
  }

  private finish() {
    this.done = true;
    this.signal();
  }

  private signal() {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
