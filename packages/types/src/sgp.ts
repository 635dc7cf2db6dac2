/** Types of the SGP v4 evaluation-task API: `paths`, `components`, `operations` and one type per schema. */
export type * from './generated/sgp.js';
