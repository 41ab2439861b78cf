import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../../errors.ts';
import { CsrfRejected } from '../../csrf.ts';

/** The upload was larger than the configured limit (answered 413 with the limit named). */
export class UploadTooLarge extends Error {}

/**
 * Reads the roster upload form as it streams in: the form's token must be the first part (the form puts
 * its hidden `_csrf` field before the file, and browsers send fields in document order), so a forged
 * upload is refused before a byte of the file is read. The file then streams to a private temporary file
 * (directory 0700, file 0600) within the upload limit, is read back once whole and removed.
 */
export async function receiveRosterUpload(request: FastifyRequest, limitBytes: number): Promise<Buffer> {
  let csrfChecked = false;
  for await (const part of request.parts({ limits: { fileSize: limitBytes, files: 1, fields: 4 } })) {
    if (!csrfChecked) {
      const token = part.type === 'field' && part.fieldname === '_csrf' ? part.value : undefined;
      request.server.csrf.check(request, token);
      csrfChecked = true;
      continue;
    }
    if (part.type === 'file' && part.fieldname === 'file') return saveAndRead(part.file);
    if (part.type === 'file') part.file.resume();
  }
  if (!csrfChecked) throw new CsrfRejected();
  throw new AppError('validation', 'Choose the roster CSV file to upload.', 'file');
}

async function saveAndRead(file: NodeJS.ReadableStream & { truncated?: boolean }): Promise<Buffer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gatehouse-upload-'));
  const target = path.join(dir, 'roster.csv');
  try {
    await pipeline(file, createWriteStream(target, { mode: 0o600, flags: 'wx' }));
    // At the limit busboy stops the file short (and flags it) rather than failing the stream.
    if (file.truncated) throw new UploadTooLarge();
    return await readFile(target);
  } catch (e) {
    if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new UploadTooLarge();
    throw e;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
