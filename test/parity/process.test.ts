import { defineParity } from './define.js';
import { table } from './scenarios/index.js';

defineParity('parity: process', table.process);
