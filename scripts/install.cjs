#!/usr/bin/env node
// The package's install script. It never fails an install:
// - off Linux it does nothing (the library uses Node's own child_process there);
// - on Linux it keeps an addon that loads (a matching prebuild, or an earlier build), found as
//   the library finds it at run time (node-gyp-build), else builds one with node-gyp;
// - where the build cannot run (no python3, make or C++ compiler, no node-gyp) or fails, it
//   prints one line saying what is missing and how to get the tether, and exits 0: the library
//   then warns at the first spawn (TETHERED_NO_ADDON) and honours requireTether.
// npm_config_build_from_source=true skips the prebuild, as node-gyp-build's own script does.
'use strict';
const { spawnSync } = require('node:child_process');
const { accessSync, constants } = require('node:fs');
const path = require('node:path');

const ROOT = path.dirname(require.resolve('../package.json'));
const ADVICE =
  'children will start untethered (TETHERED_NO_ADDON). To get the tether, install python3, make ' +
  'and a C++ compiler (e.g. build-essential, or build-base on Alpine), then run `npm rebuild tethered`';

/** Whether an addon for this platform loads (node-gyp-build's own search, at run time too). */
function addonLoads() {
  try {
    require('node-gyp-build')(ROOT);
    return true;
  } catch {
    return false;
  }
}

function onPath(name) {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      accessSync(path.join(dir, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** The command that runs node-gyp: npm's own copy, an installed one, or one on PATH. */
function nodeGyp() {
  if (process.env.npm_config_node_gyp) return [process.execPath, process.env.npm_config_node_gyp];
  try {
    return [process.execPath, require.resolve('node-gyp/bin/node-gyp.js')];
  } catch {
    return onPath('node-gyp') ? ['node-gyp'] : undefined;
  }
}

/** What a build needs and this system lacks. */
function missingTools(gyp) {
  const missing = [];
  if (!onPath('python3') && !onPath('python')) missing.push('python3');
  if (!onPath('make')) missing.push('make');
  if (!['c++', 'g++', 'clang++'].some(onPath)) missing.push('a C++ compiler (g++ or clang++)');
  if (gyp === undefined) missing.push('node-gyp');
  return missing;
}

function main() {
  if (process.platform !== 'linux') return;
  const fromSource = process.env.npm_config_build_from_source === 'true';
  if (!fromSource && addonLoads()) return;
  const what = fromSource ? 'building from source' : 'no prebuilt addon matches this system';
  const gyp = nodeGyp();
  const missing = missingTools(gyp);
  if (missing.length > 0) {
    console.error(`tethered: ${what} and ${missing.join(', ')} not found: ${ADVICE}.`);
    return;
  }
  const [command, ...args] = gyp;
  const build = spawnSync(command, [...args, 'rebuild'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) {
    const how = build.error?.message ?? `exit ${build.status ?? build.signal}`;
    console.error(`tethered: ${what} and the native build failed (node-gyp: ${how}): ${ADVICE}.`);
  }
}

main();
