import * as published from '@scale-contracts/schema-arbitraries';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  apis,
  createValidatorFactory,
  loadBundle,
  mutatedValue,
  schemaValue,
  validValue,
} from '../src/index.js';

// The arbitraries live in @scale-contracts/schema-arbitraries (their tests too); test-support
// re-exports them for the workspace's differential tests.
describe('the schema arbitraries, through test-support', () => {
  it('are the published package', () => {
    expect(validValue).toBe(published.validValue);
    expect(mutatedValue).toBe(published.mutatedValue);
    expect(schemaValue).toBe(published.schemaValue);
  });

  it.each(apis)('%s: generate values the reference validator accepts', (api) => {
    const doc = loadBundle(api);
    const validators = createValidatorFactory(api, doc);
    const name = api === 'scale' ? 'Task' : 'EvaluationTask';
    const validate = validators.component(name);
    fc.assert(
      fc.property(validValue(doc, name), (value) => {
        expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
      }),
      { seed: 42, numRuns: 50 },
    );
  });
});
