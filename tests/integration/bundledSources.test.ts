import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * bin/gatehouse.js runs a bundle of the sources that it builds itself (bin/bundle.js, decision 0032). Here in
 * a project of its own (its `bin/` copied, a two-file `src/cli/`, only the bundler linked into its
 * node_modules), so the real bundle under node_modules/.cache is left alone.
 */
const project = mkdtempSync(path.join(tmpdir(), 'gatehouse-bundle-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));

function setUp() {
  mkdirSync(path.join(project, 'bin'));
  for (const file of ['gatehouse.js', 'bundle.js'])
    copyFileSync(`bin/${file}`, path.join(project, 'bin', file));
  copyFileSync('tsconfig.json', path.join(project, 'tsconfig.json'));
  mkdirSync(path.join(project, 'node_modules'));
  symlinkSync(path.resolve('node_modules/esbuild'), path.join(project, 'node_modules/esbuild'));
  mkdirSync(path.join(project, 'src/cli'), { recursive: true });
  // The main module says where it is; it imports a TSX module (the pages' language), which says its word.
  writeSource('cli/main.ts', "import { word } from './word.tsx';\nconsole.log(import.meta.url, word());\n");
  writeSource('cli/word.tsx', "export const word = () => 'first';\n");
}

function writeSource(file: string, text: string) {
  writeFileSync(path.join(project, 'src', file), text);
}

const run = () =>
  execFileSync(process.execPath, [path.join(project, 'bin/gatehouse.js')], { encoding: 'utf8' });
const bundleText = () => readFileSync(path.join(project, 'node_modules/.cache/gatehouse/main.mjs'), 'utf8');

describe('the bundled sources', () => {
  beforeAll(setUp);

  it('are built on the first run, with each source keeping its own import.meta.url', () => {
    const mainUrl = `file://${path.join(project, 'src/cli/main.ts')}`;
    expect(run()).toBe(`${mainUrl} first\n`);
    expect(bundleText()).toContain('first');
  });

  it('are used as they are while no source changed', () => {
    const built = bundleText();
    writeFileSync(path.join(project, 'node_modules/.cache/gatehouse/main.mjs'), `${built}\n// kept\n`);
    expect(run()).toMatch(/ first\n$/);
    expect(bundleText()).toContain('// kept');
  });

  it('are built again once a source changes', () => {
    writeSource('cli/word.tsx', "export const word = () => 'second';\n");
    expect(run()).toMatch(/ second\n$/);
    expect(bundleText()).not.toContain('// kept');
  });

  it('are not run stale when a source they came from is gone: the build names it', () => {
    rmSync(path.join(project, 'src/cli/word.tsx'));
    expect(run).toThrow(/Could not resolve "\.\/word\.tsx"/);
  });
});
