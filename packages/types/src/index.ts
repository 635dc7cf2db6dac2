/** Scale task API types (v1 and v2); also importable from `@scale-contracts/types/scale`. */
export type * as scale from './scale.js';
/** SGP evaluation-task API types; also importable from `@scale-contracts/types/sgp`. */
export type * as sgp from './sgp.js';
