import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';

// Excel opens a CSV file as UTF-8 only when it starts with a byte order mark; without one it reads the
// bytes in the Windows code page, and "Zoë" shows as "ZoÃ«". Every CSV download starts with it, here.
const BOM = '\uFEFF';

async function* withBom(chunks: AsyncIterable<string>): AsyncGenerator<string> {
  yield BOM;
  yield* chunks;
}

/** Sends CSV text chunks as a download named `fileName`, streamed as they come, never cached. */
export function sendCsvDownload(reply: FastifyReply, fileName: string, chunks: AsyncIterable<string>) {
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${fileName}"`)
    .header('cache-control', 'no-store')
    .send(Readable.from(withBom(chunks)));
}
