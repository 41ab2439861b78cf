import { AppError } from '../../errors.ts';
import { nextTurn } from './rosterText.ts';

// Bytes decoded between two turns of the event loop: a 99 MB file is about a hundred pieces.
const DECODE_BYTES = 1024 * 1024;

const notUtf8 = () =>
  new AppError(
    'validation',
    'This file is not a UTF-8 CSV file. In your spreadsheet, save it as "CSV UTF-8 (comma delimited)" and upload that.',
    'file',
  );

/**
 * An uploaded roster file as text, piece by piece (see rosterText.ts). The roster must be UTF-8
 * (CONTRACT.md): a file in another encoding is refused rather than guessed at, since a wrong guess silently
 * garbles names. The refusal comes from the iteration, at the piece where the file goes wrong.
 */
export async function* decodeRosterFile(bytes: Uint8Array): AsyncGenerator<string> {
  if (bytes.length === 0)
    throw new AppError('validation', 'The file is empty. Choose the roster CSV file.', 'file');
  // One decoder across the pieces: a character cut in two at a piece's end is completed by the next.
  const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  for (let at = 0; at < bytes.length; at += DECODE_BYTES) {
    const last = at + DECODE_BYTES >= bytes.length;
    let text: string;
    try {
      text = utf8.decode(bytes.subarray(at, at + DECODE_BYTES), { stream: !last });
    } catch {
      throw notUtf8();
    }
    // Spreadsheet and PDF files are binary: they decode as UTF-8 only by accident, and contain NULs.
    if (text.includes('\u0000')) {
      throw new AppError(
        'validation',
        'This is not a CSV file. Save the roster from your spreadsheet as "CSV UTF-8 (comma delimited)" and upload that.',
        'file',
      );
    }
    yield text;
    await nextTurn();
  }
}
