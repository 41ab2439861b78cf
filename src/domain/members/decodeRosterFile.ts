import { AppError } from '../../errors.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * An uploaded roster file as text. The roster must be UTF-8 (CONTRACT.md): a file in another encoding
 * is refused rather than guessed at, since a wrong guess silently garbles names.
 */
export function decodeRosterFile(bytes: Uint8Array): string {
  if (bytes.length === 0)
    throw new AppError('validation', 'The file is empty. Choose the roster CSV file.', 'file');
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new AppError(
      'validation',
      'This file is not a UTF-8 CSV file. In your spreadsheet, save it as "CSV UTF-8 (comma delimited)" and upload that.',
      'file',
    );
  }
  // Spreadsheet and PDF files are binary: they decode as UTF-8 only by accident, and contain NULs.
  if (text.includes('\u0000')) {
    throw new AppError(
      'validation',
      'This is not a CSV file. Save the roster from your spreadsheet as "CSV UTF-8 (comma delimited)" and upload that.',
      'file',
    );
  }
  return text;
}
