#!/usr/bin/env node
// npm's prepack/postpack pair: the packed package.json carries no `prepare` script.
//
//   node scripts/pack-manifest.mjs strip     # prepack: save package.json, drop scripts.prepare
//   node scripts/pack-manifest.mjs restore   # postpack: put the saved package.json back
//
// `prepare` builds lib/ for git installs (npm runs it, and only it, in a git dependency's
// clone), but a registry or tarball install never needs it, and npm 11 lists a dependency's
// `prepare` among the install scripts a user must allow. npm pack runs prepack, then reads
// package.json from disk into the tarball, then postpack: so the tarball gets the stripped copy
// and the working tree gets its own back. If a pack fails between the two, `restore` (or
// `git checkout package.json`) repairs it.
import { copyFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const manifest = fileURLToPath(new URL('../package.json', import.meta.url));
const saved = `${manifest}.prepack`;

const command = process.argv[2];
if (command === 'strip') {
  copyFileSync(manifest, saved);
  const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
  delete pkg.scripts.prepare;
  writeFileSync(manifest, `${JSON.stringify(pkg, null, 2)}\n`);
} else if (command === 'restore') {
  if (existsSync(saved)) renameSync(saved, manifest);
} else {
  console.error('usage: pack-manifest.mjs strip|restore');
  process.exit(2);
}
