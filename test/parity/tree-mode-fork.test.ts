// Tree-mode parity: the fork group (see tree-mode.ts).
import { defineTreeParity } from './tree-mode.js';

defineTreeParity(['fork']);
