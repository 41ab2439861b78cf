import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readEmbeddedBackup } from './embeddedRestore.ts';
import { type TarInput, tarArchive, tarEntries } from './tarFormat.ts';

const file = (name: string, text: string): TarInput => ({
  name,
  mode: 0o600,
  mtimeMs: Date.UTC(2026, 0, 15),
  data: new TextEncoder().encode(text),
});
const dir = (name: string): TarInput => ({
  name,
  mode: 0o700,
  mtimeMs: Date.UTC(2026, 0, 15),
  directory: true,
});
const dataDir = [file('PG_VERSION', '18\n'), dir('global'), file('global/pg_control', 'control')];
const gz = (entries: TarInput[]) => zlib.gzipSync(tarArchive(entries));

describe('backup files', () => {
  it('read back what was written, long names included', async () => {
    const long = `base/${'d'.repeat(90)}/${'f'.repeat(90)}`;
    const written = [
      ...dataDir,
      dir('base'),
      dir(long.slice(0, long.lastIndexOf('/'))),
      file(long, 'x'.repeat(700)),
    ];
    const { entries } = await readEmbeddedBackup(gz(written));
    expect(entries.map((e) => [e.name, e.type, new TextDecoder().decode(e.data)])).toEqual(
      written.map((w) => [
        w.name,
        w.directory ? '5' : '0',
        w.directory ? '' : new TextDecoder().decode(w.data),
      ]),
    );
  });

  it('refuse anything else before a byte is written, saying why', async () => {
    const refusals: [Uint8Array, RegExp][] = [
      [new TextEncoder().encode('member_number,first_name\n'), /not gzip-compressed/],
      [gz(dataDir).subarray(0, 40), /damaged or cut short/],
      [zlib.gzipSync(tarArchive(dataDir).subarray(0, 1024)), /not a whole tar archive/],
      [gz([file('PG_VERSION', '18\n')]), /no database directory \(global\/pg_control missing\)/],
      [gz([...dataDir, file('../outside', 'x')]), /path leading outside \(\.\.\/outside\)/],
      [gz([...dataDir, file('base/../../outside', 'x')]), /path leading outside/],
    ];
    for (const [bytes, reason] of refusals) await expect(readEmbeddedBackup(bytes)).rejects.toThrow(reason);
    // A header whose checksum does not hold is not taken for an entry.
    const tar = tarArchive(dataDir);
    tar[10] = 0x41;
    expect(() => tarEntries(tar)).toThrow(/bad tar header at byte 0/);
  });
});
