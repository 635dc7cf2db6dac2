import {
  apis,
  collectMediaExamples,
  createValidatorFactory,
  loadBundle,
} from '@scale-contracts/test-support';
import { describe, expect, it } from 'vitest';

// Every example in the spec (the seed documents' JSON among them) must validate against the
// schema of the media type it illustrates, checked by Ajv, independent of Redocly's own lint.
describe.each(apis)('%s examples', (api) => {
  const doc = loadBundle(api);
  const validators = createValidatorFactory(api, doc);
  const examples = collectMediaExamples(api, doc);

  it('has examples to check', () => {
    expect(examples.length).toBeGreaterThanOrEqual(api === 'scale' ? 5 : 6);
  });

  it.each(examples.map((example) => [example.where, example] as const))('%s', (_where, example) => {
    const validate = validators.compile(example.schema);
    const valid = validate(example.value);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(valid).toBe(true);
  });
});

describe('seed documents', () => {
  // The five JSON documents of shared/seeds, by the example names the spec gives them.
  it.each([
    ['scale', 'v2-task-pending-full', 'Task'],
    ['scale', 'v2-task-pending-without-chunks', 'Task'],
    ['scale', 'v1-task-categorization', 'V1Task'],
    ['sgp', 'evaluation-task-generation', 'EvaluationTask'],
  ] as const)('%s example %s is a valid %s', (api, example, schema) => {
    const doc = loadBundle(api);
    const value = (doc.components.examples?.[example] as { value: unknown } | undefined)?.value;
    expect(value, `${api} has no example ${example}`).toBeDefined();
    const validate = createValidatorFactory(api, doc).component(schema);
    expect(validate(value), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });
});
