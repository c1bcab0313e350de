// Tree-mode parity: the process-level group (see tree-mode.ts).
import { defineTreeParity } from './tree-mode.js';

defineTreeParity(['process']);
