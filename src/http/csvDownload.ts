import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';

// Excel opens a CSV file as UTF-8 only when it starts with a byte order mark; without one it reads the
// bytes in the Windows code page, and "Zoë" shows as "ZoÃ«". Every CSV download starts with it, here.
const BOM = '\uFEFF';

async function* withBom(chunks: AsyncIterable<string | Buffer>): AsyncGenerator<string | Buffer> {
  yield BOM;
  yield* chunks;
}

/**
 * Sends CSV chunks (text, or UTF-8 bytes) as a download named `fileName`, streamed as they come, never
 * cached. The next chunk is asked for only when the socket has taken the ones before (pipe's
 * backpressure), so a slow client holds the export back rather than filling memory.
 */
export function sendCsvDownload(
  reply: FastifyReply,
  fileName: string,
  chunks: AsyncIterable<string | Buffer>,
) {
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${fileName}"`)
    .header('cache-control', 'no-store')
    .send(Readable.from(withBom(chunks)));
}
