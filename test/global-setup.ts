// Fails the run early, with a clear message, when the addon or the compiled library is missing.
import { existsSync } from 'node:fs';

export default function setup(): void {
  if (!existsSync(new URL('../lib/index.js', import.meta.url))) {
    throw new Error('lib/ is missing: run `npm install` (or `npm run build:ts`) first');
  }
  if (
    !existsSync(new URL('../build/Release/tethered.node', import.meta.url)) &&
    !existsSync(new URL('../prebuilds', import.meta.url))
  ) {
    throw new Error('the native addon is missing: run `npm install` (or `npm run build:native`)');
  }
}
