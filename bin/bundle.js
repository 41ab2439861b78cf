// The sources bundled, built on the first run and again whenever a source changed (decision 0032). Loading a
// few bundled files instead of ~400 modules through tsx starts `serve` about a second sooner with ~80 MB less
// memory; the bundle lives under node_modules/.cache, so there is still no build step to remember.
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = path.resolve(import.meta.dirname, '..');
const CACHE = path.join(ROOT, 'node_modules/.cache/gatehouse');
const ENTRY = path.join(CACHE, 'main.mjs');
/** When the last build started, the files it was built from (relative to ROOT) and the files it wrote. */
const MANIFEST = path.join(CACHE, 'main.json');
/** Besides the bundled sources, what else decides the output: the build's settings and the bundler. */
const SETTINGS = ['bin/bundle.js', 'tsconfig.json', 'package-lock.json'];

/** The bundled `src/cli/main.ts`, built first if missing or older than one of the files it was built from. */
export async function bundledSources() {
  if (!isFresh()) await build();
  return ENTRY;
}

function isFresh() {
  try {
    const { startedAt, inputs } = readManifest();
    statSync(ENTRY);
    // A file saved while the last build ran is newer than its start, so it is built again.
    return inputs.every((file) => statSync(path.join(ROOT, file)).mtimeMs < startedAt);
  } catch {
    return false; // not built yet, or a source was deleted or renamed
  }
}

const readManifest = () => JSON.parse(readFileSync(MANIFEST, 'utf8'));

async function build() {
  const startedAt = Date.now();
  const { build } = await import('esbuild');
  const result = await build({
    absWorkingDir: ROOT, // the metafile names inputs relative to it
    entryPoints: ['src/cli/main.ts'],
    outdir: CACHE,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    // Each `await import()` of a source becomes a file of its own, loaded when it runs: a command still
    // loads only what it runs (docs/ARCHITECTURE.md). Chunks are named by their content.
    splitting: true,
    chunkNames: 'chunk-[hash]',
    // npm packages stay imports, resolved from node_modules when they run, as before.
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // tsconfig.json's jsx settings (preact) apply as they do under tsx.
    sourcemap: 'linked',
    sourcesContent: false,
    metafile: true,
    write: false,
    logLevel: 'error',
    plugins: [ownModuleUrls],
  });
  mkdirSync(CACHE, { recursive: true });
  const earlier = previousOutputs();
  // Each file is written aside and renamed into place, so a process starting meanwhile reads whole files
  // (two processes building at once write the same bytes). Maps first, then the chunks, the entry last:
  // what is written refers only to what is already there.
  const order = ({ path: file }) => (file.endsWith('.map') ? 0 : file === ENTRY ? 2 : 1);
  const outputs = [...result.outputFiles].sort((a, b) => order(a) - order(b));
  for (const { path: file, contents } of outputs) writeAtomically(file, contents);
  const written = outputs.map(({ path: file }) => path.basename(file));
  const settings = SETTINGS.filter((file) => existsSync(path.join(ROOT, file)));
  const inputs = [...Object.keys(result.metafile.inputs), ...settings];
  writeAtomically(MANIFEST, JSON.stringify({ startedAt, inputs, written }));
  // The chunks of the build before stay, for a process that started from it and has yet to load one; older
  // ones go once they are a minute old (not those of a build running beside this one).
  const keep = new Set([...written, ...earlier]);
  for (const file of readdirSync(CACHE)) {
    const full = path.join(CACHE, file);
    if (/\.m?(js|map)$/.test(file) && !keep.has(file) && statSync(full).mtimeMs < startedAt - 60_000) {
      rmSync(full, { force: true });
    }
  }
}

function previousOutputs() {
  try {
    return readManifest().written ?? [];
  } catch {
    return [];
  }
}

function writeAtomically(file, contents) {
  const aside = `${file}.${process.pid}`;
  writeFileSync(aside, contents);
  renameSync(aside, file);
}

/**
 * `import.meta.url` and `.dirname` in each source keep naming that source's own file, not the bundle's: the
 * sources find the migrations, the migration journal and their assets beside themselves.
 */
const ownModuleUrls = {
  name: 'own-module-urls',
  setup(bundler) {
    bundler.onLoad({ filter: /\.tsx?$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta')) return undefined;
      const url = JSON.stringify(pathToFileURL(args.path).href);
      const dirname = JSON.stringify(path.dirname(args.path));
      return {
        contents: source.replaceAll('import.meta.url', url).replaceAll('import.meta.dirname', dirname),
        loader: args.path.endsWith('.tsx') ? 'tsx' : 'ts',
      };
    });
  },
};
