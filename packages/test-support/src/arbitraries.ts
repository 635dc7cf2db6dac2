/**
 * The schema arbitraries moved to `@scale-contracts/schema-arbitraries` (published); this
 * re-export keeps the workspace's tests importing them from test-support.
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
} from '@scale-contracts/schema-arbitraries';
