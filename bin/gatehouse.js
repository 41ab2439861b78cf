#!/usr/bin/env node
// Runs the TypeScript sources with no build step to remember (`npm install && npm start`): from one bundle
// built on the first run and whenever a source changed (bundle.js, decision 0032), or through tsx where
// that bundle cannot be written.
import { pathToFileURL } from 'node:url';
import { bundledSources } from './bundle.js';

let bundle;
try {
  bundle = await bundledSources();
} catch (e) {
  if (!['EACCES', 'EPERM', 'EROFS'].includes(e?.code)) throw e;
  console.error(
    `gatehouse: cannot write node_modules/.cache (${e.code}); running the sources through tsx, which starts slower.`,
  );
}
if (bundle) {
  process.setSourceMapsEnabled(true); // stack traces name the sources' files and lines
  await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
