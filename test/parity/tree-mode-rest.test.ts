// Tree-mode parity: every group of the table but those with files of their own (see tree-mode.ts).
import { table, type ScenarioGroup } from './scenarios/index.js';
import { defineTreeParity, OWN_FILE } from './tree-mode.js';

defineTreeParity(
  (Object.keys(table) as ScenarioGroup[]).filter((group) => !OWN_FILE.includes(group)),
);
