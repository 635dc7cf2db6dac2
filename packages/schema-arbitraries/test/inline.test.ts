import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  mutatedSchemaValue,
  type SchemaDocument,
  schemaValue,
  UnsatisfiableSchemaError,
  validValue,
} from '../src/index.js';
import { createReference, loadBundle } from './support/reference.js';

const seed = 7;
const scale = loadBundle('scale') as SchemaDocument & {
  paths: Record<string, Record<string, { parameters?: unknown[] }>>;
  components: { parameters: Record<string, { name: string; schema: unknown }> };
};
const reference = createReference(scale);

/** Every query and path parameter schema of the Scale bundle, `$ref`s to parameters resolved. */
const parameters = Object.entries(scale.paths).flatMap(([path, item]) =>
  Object.entries(item).flatMap(([method, operation]) =>
    (operation.parameters ?? []).map((entry, index) => {
      const ref = (entry as { $ref?: string }).$ref;
      const parameter = ref
        ? scale.components.parameters[ref.split('/').pop() as string]
        : (entry as { name: string; schema: unknown });
      return { where: `${method.toUpperCase()} ${path} #${index} ${parameter?.name}`, parameter };
    }),
  ),
);

describe('schemaValue (an inline schema of the document)', () => {
  it('has parameters to test', () => {
    expect(parameters.length).toBeGreaterThan(80);
  });

  it.each(parameters)('$where: every sample satisfies the schema', ({ parameter }) => {
    const validate = reference.compile(parameter?.schema);
    fc.assert(
      fc.property(schemaValue(scale, parameter?.schema), (value) => {
        expect(validate(value), JSON.stringify(value)).toBe(true);
      }),
      { seed, numRuns: 50 },
    );
  });

  it('resolves $refs against the components and mutates them', () => {
    const schema = { $ref: '#/components/schemas/TaskStatus' };
    const validate = reference.compile(schema);
    const mutated = fc.sample(mutatedSchemaValue(scale, schema), { seed, numRuns: 100 });
    expect(mutated.every(({ value }) => !validate(value))).toBe(true);
    expect(mutated.map(({ mutation }) => mutation.split(' at ')[0])).toContain('enum miss');
  });

  it('mutates an integer range to a value outside it', () => {
    const schema = { type: 'integer', minimum: 1, maximum: 100 };
    const values = fc
      .sample(mutatedSchemaValue(scale, schema), { seed, numRuns: 200 })
      .map(({ value }) => value);
    expect(values).toContain(0);
    expect(values).toContain(101);
    expect(values.some((value) => typeof value !== 'number')).toBe(true); // a wrong type
  });

  it('treats x- extensions as annotations and names the pointer of an unsupported keyword', () => {
    const sample = fc.sample(schemaValue(scale, { type: 'integer', 'x-origin': 'spec' }), {
      seed,
      numRuns: 20,
    });
    expect(sample.every(Number.isInteger)).toBe(true);
    expect(() =>
      schemaValue(scale, { type: 'object', patternProperties: {} }, { where: '#/here' }),
    ).toThrow('#/here/patternProperties: unsupported JSON Schema keyword "patternProperties"');
    expect(() => schemaValue(scale, { type: 'string', minLength: 3, maxLength: 2 })).toThrow(
      UnsatisfiableSchemaError,
    );
  });
});

describe('shrinking and seeds', () => {
  it('shrinks a failing value to the smallest counterexample', () => {
    const result = fc.check(
      fc.property(schemaValue(scale, { type: 'integer', minimum: 1, maximum: 100 }), (n) => {
        return (n as number) < 37;
      }),
      { seed },
    );
    expect(result.failed).toBe(true);
    expect(result.counterexample).toEqual([37]);
  });

  it('shrinks objects by dropping optional properties', () => {
    const schema = {
      type: 'object',
      required: ['limit'],
      properties: {
        limit: { type: 'integer', minimum: 1, maximum: 100 },
        name: { type: 'string' },
        tags: { type: 'array', items: { type: 'string' } },
      },
      additionalProperties: false,
    };
    const result = fc.check(
      fc.property(schemaValue(scale, schema), (value) => (value as { limit: number }).limit < 50),
      { seed },
    );
    expect(result.counterexample).toEqual([{ limit: 50 }]);
  });

  it('gives the same values for the same seed', () => {
    const arb = validValue(scale, 'V1Task');
    expect(fc.sample(arb, { seed: 3, numRuns: 5 })).toEqual(
      fc.sample(arb, { seed: 3, numRuns: 5 }),
    );
    expect(fc.sample(arb, { seed: 3, numRuns: 5 })).not.toEqual(
      fc.sample(arb, { seed: 4, numRuns: 5 }),
    );
  });
});
