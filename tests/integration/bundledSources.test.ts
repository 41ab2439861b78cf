import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * bin/gatehouse.js runs a bundle of the sources that it builds itself (bin/bundle.js, decision 0032). Here in
 * projects of their own (`bin/` copied, a few-file `src/cli/`, only the bundler linked into node_modules),
 * so the real bundle under node_modules/.cache is left alone.
 */
const projects: string[] = [];
afterAll(() => {
  for (const dir of projects) rmSync(dir, { recursive: true, force: true });
});

function project(sources: Record<string, string>) {
  const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-bundle-'));
  projects.push(dir);
  mkdirSync(path.join(dir, 'bin'));
  for (const file of ['gatehouse.js', 'bundle.js']) copyFileSync(`bin/${file}`, path.join(dir, 'bin', file));
  copyFileSync('tsconfig.json', path.join(dir, 'tsconfig.json'));
  mkdirSync(path.join(dir, 'node_modules'));
  symlinkSync(path.resolve('node_modules/esbuild'), path.join(dir, 'node_modules/esbuild'));
  mkdirSync(path.join(dir, 'src/cli'), { recursive: true });
  const cache = path.join(dir, 'node_modules/.cache/gatehouse');
  const write = (file: string, text: string) => writeFileSync(path.join(dir, 'src', file), text);
  for (const [file, text] of Object.entries(sources)) write(file, text);
  return {
    dir,
    write,
    remove: (file: string) => rmSync(path.join(dir, 'src', file)),
    run: () => execFileSync(process.execPath, [path.join(dir, 'bin/gatehouse.js')], { encoding: 'utf8' }),
    cache,
    bundleText: () => readFileSync(path.join(cache, 'main.mjs'), 'utf8'),
    chunks: () => readdirSync(cache).filter((file) => /^chunk-.*\.mjs$/.test(file)),
  };
}

describe('the bundled sources', () => {
  // The main module says where it is; it imports a TSX module (the pages' language), which says its word.
  const p = project({
    'cli/main.ts': "import { word } from './word.tsx';\nconsole.log(import.meta.url, word());\n",
    'cli/word.tsx': "export const word = () => 'first';\n",
  });

  it('are built on the first run, with each source keeping its own import.meta.url', () => {
    const mainUrl = `file://${path.join(p.dir, 'src/cli/main.ts')}`;
    expect(p.run()).toBe(`${mainUrl} first\n`);
    expect(p.bundleText()).toContain('first');
  });

  it('are used as they are while no source changed', () => {
    const built = p.bundleText();
    writeFileSync(path.join(p.cache, 'main.mjs'), `${built}\n// kept\n`);
    expect(p.run()).toMatch(/ first\n$/);
    expect(p.bundleText()).toContain('// kept');
  });

  it('are built again once a source changes', () => {
    p.write('cli/word.tsx', "export const word = () => 'second';\n");
    expect(p.run()).toMatch(/ second\n$/);
    expect(p.bundleText()).not.toContain('// kept');
  });

  it('are not run stale when a source they came from is gone: the build names it', () => {
    p.remove('cli/word.tsx');
    expect(p.run).toThrow(/Could not resolve "\.\/word\.tsx"/);
  });
});

describe('the chunks of earlier builds', () => {
  // A module loaded with `await import()` is a chunk of its own, named by its content.
  const p = project({
    'cli/main.ts': "const { word } = await import('./late.ts');\nconsole.log(word);\n",
    'cli/late.ts': "export const word = 'one';\n",
  });
  const build = (word: string) => {
    p.write('cli/late.ts', `export const word = '${word}';\n`);
    expect(p.run()).toBe(`${word}\n`);
    return p.chunks();
  };
  const aged = (chunk: string) => {
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    utimesSync(path.join(p.cache, chunk), twoMinutesAgo, twoMinutesAgo);
  };

  it('keep the build before for a process still running from it, and go once a minute old', () => {
    const [first] = build('one');
    const afterSecond = build('two');
    expect(afterSecond).toHaveLength(2); // the first build's chunk stays, however old
    aged(first!);
    const second = afterSecond.find((chunk) => chunk !== first)!;
    aged(second);
    const afterThird = build('three');
    expect(afterThird).not.toContain(first); // two builds back and a minute old: removed
    expect(afterThird).toContain(second); // the build before, kept though old
    expect(afterThird).toHaveLength(2);
  });

  it('of a build that is not a minute old stay, whichever build made them', () => {
    const stray = 'chunk-STRAY.mjs';
    writeFileSync(path.join(p.cache, stray), '');
    expect(build('four')).toContain(stray);
    aged(stray);
    expect(build('five')).not.toContain(stray);
  });
});
