import {
  type ApiName,
  createValidatorFactory,
  loadBundle,
  loadNegativeExamples,
  materialize,
  pointerOf,
} from '@scale-contracts/test-support';
import { describe, expect, it } from 'vitest';

const documents = {
  scale: loadBundle('scale'),
  sgp: loadBundle('sgp'),
} satisfies Record<ApiName, unknown>;
const validators = {
  scale: createValidatorFactory('scale', documents.scale),
  sgp: createValidatorFactory('sgp', documents.sgp),
};

describe('negative examples', () => {
  const cases = loadNegativeExamples();

  it('cover both APIs and the main keywords', () => {
    expect(new Set(cases.map((c) => c.api))).toEqual(new Set(['scale', 'sgp']));
    expect(new Set(cases.map((c) => c.keyword))).toEqual(
      new Set(['enum', 'required', 'format', 'type', 'const', 'minimum', 'minItems', 'maxItems']),
    );
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, testCase) => {
    const value = materialize(testCase, documents[testCase.api]);
    const validate = validators[testCase.api].component(testCase.schema);
    expect(validate(value)).toBe(false);
    const reported = (validate.errors ?? []).map((error) => `${pointerOf(error)} ${error.keyword}`);
    expect(reported).toContain(`${testCase.pointer} ${testCase.keyword}`);
  });
});
