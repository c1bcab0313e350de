// Builds what is stale (lib/ from src/, the addon from native/) before any test runs, so a run
// never tests an old build; fails the run with the compiler's output when a build fails.
import { buildStale } from '../scripts/build-stale.mjs';

export default function setup(): void {
  buildStale();
}
