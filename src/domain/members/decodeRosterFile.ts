import { isUtf8 } from 'node:buffer';
import { AppError } from '../../errors.ts';
import { nextTurn } from './rosterText.ts';
import { decodeWindows1252 } from './windows1252.ts';

// Bytes checked or decoded between two turns of the event loop: a 99 MB file is about a hundred pieces.
const DECODE_BYTES = 1024 * 1024;

/** How a roster file's bytes were read as text. */
export type RosterEncoding = 'utf-8' | 'utf-8-bom' | 'windows-1252';

/** The encoding in the words the preview and the command line use. */
export const encodingWords: Record<RosterEncoding, string> = {
  'utf-8': 'UTF-8',
  'utf-8-bom': 'UTF-8 with a byte order mark (BOM)',
  'windows-1252': 'Windows-1252 (Western European, as older Excel saves "CSV")',
};

const isContinuation = (byte: number | undefined) => byte !== undefined && (byte & 0xc0) === 0x80;

/**
 * UTF-8 when the bytes are valid UTF-8, with or without a BOM; otherwise Windows-1252, which is what
 * Excel's plain "CSV (Comma delimited)" writes on a Western European Windows. The rule is deterministic:
 * any file of UTF-8 bytes is UTF-8 (a Windows-1252 file of plain ASCII reads the same either way), and
 * Windows-1252 gives every byte a character, so nothing else needs guessing. Checked a megabyte at a
 * time, each piece ending before a character's continuation bytes, so the event loop stays free.
 */
export async function detectRosterEncoding(bytes: Uint8Array): Promise<RosterEncoding> {
  for (let at = 0; at < bytes.length; ) {
    let end = Math.min(at + DECODE_BYTES, bytes.length);
    // A UTF-8 character has at most three continuation bytes; more than that fails the check anyway.
    for (let k = 0; k < 3 && end > at + 1 && isContinuation(bytes[end]); k++) end--;
    if (!isUtf8(bytes.subarray(at, end))) return 'windows-1252';
    at = end;
    if (at < bytes.length) await nextTurn();
  }
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 'utf-8-bom' : 'utf-8';
}

/**
 * An uploaded roster file as text in the encoding `detectRosterEncoding` found, piece by piece (see
 * rosterText.ts); a BOM is dropped. A binary file (a spreadsheet saved as .xlsx, a PDF) is refused from
 * the iteration, at the piece where it shows.
 */
export async function* decodeRosterFile(bytes: Uint8Array, encoding: RosterEncoding): AsyncGenerator<string> {
  if (bytes.length === 0)
    throw new AppError('validation', 'The file is empty. Choose the roster CSV file.', 'file');
  // One decoder across the pieces: a character cut in two at a piece's end is completed by the next.
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  for (let at = 0; at < bytes.length; at += DECODE_BYTES) {
    const last = at + DECODE_BYTES >= bytes.length;
    const piece = bytes.subarray(at, at + DECODE_BYTES);
    const text =
      encoding === 'windows-1252' ? decodeWindows1252(piece) : utf8.decode(piece, { stream: !last });
    // Spreadsheet and PDF files are binary: they contain NULs, which no roster has.
    if (text.includes('\u0000')) {
      throw new AppError(
        'validation',
        'This is not a CSV file. Save the roster from your spreadsheet as "CSV" (any of its CSV kinds) and upload that.',
        'file',
      );
    }
    yield text;
    await nextTurn();
  }
}

/** A whole file's text (the command line reads the file at once), with what was detected. */
export async function decodeRosterBytes(
  bytes: Uint8Array,
): Promise<{ encoding: RosterEncoding; text: string }> {
  const encoding = await detectRosterEncoding(bytes);
  // An empty file is the import's to refuse, in its own words.
  if (bytes.length === 0) return { encoding, text: '' };
  let text = '';
  for await (const piece of decodeRosterFile(bytes, encoding)) text += piece;
  return { encoding, text };
}
