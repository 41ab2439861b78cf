/**
 * Just enough of the ustar format (POSIX tar) for backups of the embedded database, which `tar` (and
 * PGlite's `loadDataDir`) can read too: a 512-byte header per entry, its data padded to 512 bytes, two
 * zero blocks at the end. Written from the data directory; read to check a file before a restore writes.
 */
const BLOCK = 512;

export type TarEntry = {
  name: string;
  /** '0' (or NUL) a regular file, '5' a directory; anything else is not in a database directory. */
  type: string;
  /** The entry's contents: a view into the tarball, not a copy. */
  data: Uint8Array;
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
    const type = String.fromCharCode(header[156]!);
    entries.push({ name, type, data: tar.subarray(offset + BLOCK, offset + BLOCK + size) });
    offset = end;
  }
  throw new NotATarball('the file ends without the end-of-archive marker');
}

export type TarInput = { name: string; mode: number; mtimeMs: number } & (
  | { directory: true }
  | { directory?: false; data: Uint8Array }
);

function header(entry: TarInput): Uint8Array {
  const h = new Uint8Array(BLOCK);
  const put = (value: string, at: number, length: number) =>
    h.set(new TextEncoder().encode(value).subarray(0, length), at);
  const num = (value: number, at: number, length: number) =>
    put(`${value.toString(8).padStart(length - 1, '0')}\0`, at, length);
  // A name over 100 bytes is split at a slash into the ustar prefix (155) and name (100) fields.
  let [prefix, name] = ['', entry.name];
  if (new TextEncoder().encode(entry.name).length > 100) {
    const cut = entry.name.lastIndexOf('/', 155);
    [prefix, name] = [entry.name.slice(0, cut), entry.name.slice(cut + 1)];
    if (cut <= 0 || name.length > 100) throw new Error(`path too long for a tar entry: ${entry.name}`);
  }
  put(name, 0, 100);
  num(entry.mode & 0o7777, 100, 8);
  num(0, 108, 8); // uid, gid: whoever restores owns the files
  num(0, 116, 8);
  num(entry.directory ? 0 : entry.data.length, 124, 12);
  num(Math.floor(entry.mtimeMs / 1000), 136, 12);
  put(entry.directory ? '5' : '0', 156, 1);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  put(prefix, 345, 155);
  put('        ', 148, 8);
  const sum = h.reduce((total, b) => total + b, 0);
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  return h;
}

/** An uncompressed tarball of the entries, in the order given (a directory before what it holds). */
export function tarArchive(entries: TarInput[]): Uint8Array {
  const size = entries.reduce(
    (total, e) => total + BLOCK + (e.directory ? 0 : Math.ceil(e.data.length / BLOCK) * BLOCK),
    2 * BLOCK,
  );
  const out = new Uint8Array(size); // zero-filled: padding and the two closing blocks are already there
  let at = 0;
  for (const e of entries) {
    out.set(header(e), at);
    at += BLOCK;
    if (e.directory) continue;
    out.set(e.data, at);
    at += Math.ceil(e.data.length / BLOCK) * BLOCK;
  }
  return out;
}
