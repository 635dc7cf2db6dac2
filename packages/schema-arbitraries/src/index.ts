/**
 * fast-check arbitraries generated from the JSON Schemas of an OpenAPI 3.1 document: values
 * meant to satisfy a schema (`validValue`, `schemaValue`) and such values with one mutation
 * applied, most of them invalid (`mutatedValue`, `mutatedSchemaValue`). Shrinkable, seeded,
 * JSON values only.
 */
export {
  type ArbitraryOptions,
  type InlineOptions,
  type MutatedValue,
  type MutationKind,
  mutatedSchemaValue,
  mutatedValue,
  schemaValue,
  UnsatisfiableSchemaError,
  validValue,
} from './arbitraries.js';
export type { SchemaDocument } from './document.js';
