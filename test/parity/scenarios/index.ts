// The scenario table: every group, in the order the test files run them.
import type { Scenario } from '../harness.js';
import { basics } from './basics.js';
import { childState } from './child-state.js';
import { errors } from './errors.js';
import { exec } from './exec.js';
import { fork } from './fork.js';
import { options } from './options.js';
import { processLevel } from './process.js';
import { signals } from './signals.js';
import { stdio } from './stdio.js';
import { validation } from './validation.js';

// `satisfies` keeps the keys: a test file naming a group that does not exist does not compile,
// and defineParity() fails on an empty or missing group at run time (vitest does not type-check).
export const table = {
  basics,
  childState,
  errors,
  validation,
  options,
  stdio,
  signals,
  exec,
  fork,
  process: processLevel,
} as const satisfies Readonly<Record<string, readonly Scenario[]>>;

/** The name of one group of the table. */
export type ScenarioGroup = keyof typeof table;
