import {
  apis,
  collectMediaExamples,
  loadBundle,
  loadNegativeExamples,
  materialize,
} from '@scale-contracts/test-support';
import { describe, expect, it } from 'vitest';
import { compileCases, mediaType, type TypeCase } from './support/compile-cases.js';

// The spec's examples (the seed documents among them) must be assignable to the generated
// types, and the negative examples that break the shape must be rejected by the compiler.
const examples = apis.flatMap((api) => collectMediaExamples(api, loadBundle(api)));
const negatives = loadNegativeExamples().filter((testCase) => testCase.typeLevel);

const cases: TypeCase[] = [
  ...examples.map((example) => ({
    id: `${example.api} ${example.where}`,
    api: example.api,
    type: mediaType(example.location),
    value: example.value,
  })),
  ...negatives.map((testCase) => ({
    id: `negative: ${testCase.name}`,
    api: testCase.api,
    type: `components["schemas"][${JSON.stringify(testCase.schema)}]`,
    value: materialize(testCase, loadBundle(testCase.api)),
  })),
];
const diagnostics = compileCases(cases);

describe('spec examples are assignable to the generated types', () => {
  it.each(examples.map((example) => `${example.api} ${example.where}`))('%s', (id) => {
    expect(diagnostics.get(id)).toEqual([]);
  });
});

describe('negative examples do not compile', () => {
  it.each(negatives.map((testCase) => [testCase.name, testCase.pointer] as const))(
    '%s (%s)',
    (name) => {
      expect(diagnostics.get(`negative: ${name}`)?.length ?? 0).toBeGreaterThan(0);
    },
  );
});
