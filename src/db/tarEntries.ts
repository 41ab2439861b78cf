/**
 * Just enough of the ustar format (POSIX tar) to read and filter the tarballs PGlite writes and loads:
 * a 512-byte header per entry, its data padded to 512 bytes, two zero blocks at the end. Used to check
 * that a backup file is a whole tarball before anything is written, and to leave out of a backup the
 * files that belong to the running process rather than to the database.
 */
const BLOCK = 512;

export type TarEntry = {
  name: string;
  /** Offset of the entry's header; `end` is the offset just past its padded data. */
  start: number;
  end: number;
};

export class NotATarball extends Error {}

const text = (block: Uint8Array, from: number, length: number) => {
  const field = block.subarray(from, from + length);
  const nul = field.indexOf(0);
  return new TextDecoder().decode(nul === -1 ? field : field.subarray(0, nul));
};

const octal = (block: Uint8Array, from: number, length: number) => {
  const digits = text(block, from, length).trim();
  return /^[0-7]+$/.test(digits) ? Number.parseInt(digits, 8) : Number.NaN;
};

/** The header's own checksum: the sum of its bytes, counting the checksum field as spaces. */
function checksumHolds(header: Uint8Array): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : header[i]!;
  return octal(header, 148, 8) === sum;
}

/** Every entry of an uncompressed tarball, in order; throws NotATarball for anything else. */
export function tarEntries(tar: Uint8Array): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  while (offset + BLOCK <= tar.length) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) return entries; // the end-of-archive marker
    if (!checksumHolds(header)) throw new NotATarball(`bad tar header at byte ${offset}`);
    const size = octal(header, 124, 12);
    if (!Number.isFinite(size)) throw new NotATarball(`bad entry size at byte ${offset}`);
    const prefix = text(header, 345, 155);
    const name = prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100);
    const end = offset + BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (end > tar.length) throw new NotATarball(`the file ends inside ${name}`);
    entries.push({ name, start: offset, end });
    offset = end;
  }
  throw new NotATarball('the file ends without the end-of-archive marker');
}

/** The same tarball without the entries whose name `leaveOut` accepts. */
export function tarWithout(tar: Uint8Array, leaveOut: (name: string) => boolean): Uint8Array {
  const kept = tarEntries(tar).filter((e) => !leaveOut(e.name));
  const size = kept.reduce((total, e) => total + (e.end - e.start), 0) + 2 * BLOCK;
  const out = new Uint8Array(size); // zero-filled: the two closing blocks are already there
  let at = 0;
  for (const e of kept) {
    out.set(tar.subarray(e.start, e.end), at);
    at += e.end - e.start;
  }
  return out;
}
