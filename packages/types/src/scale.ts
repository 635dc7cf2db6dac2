/** Types of the Scale task API (v1 and v2): `paths`, `components`, `operations`, `webhooks` and one type per schema. */
export type * from './generated/scale.js';
