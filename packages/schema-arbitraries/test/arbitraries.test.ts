import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mutatedValue, type SchemaDocument, validValue } from '../src/index.js';
import {
  type ApiName,
  acceptsEveryJsonValue,
  apis,
  createReference,
  loadBundle,
} from './support/reference.js';

const seed = 42;
const numRuns = 200;

const docs = Object.fromEntries(apis.map((api) => [api, loadBundle(api)])) as Record<
  ApiName,
  SchemaDocument
>;
const validators = Object.fromEntries(
  apis.map((api) => [api, createReference(docs[api])]),
) as Record<ApiName, ReturnType<typeof createReference>>;

const cases = apis.flatMap((api) =>
  Object.keys(docs[api].components.schemas).map((name) => ({ api, name })),
);

/** JSON values only: what JSON.parse could return, without -0. */
function assertJson(value: unknown, at = ''): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') {
    return;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || Object.is(value, -0)) {
      throw new Error(`not a JSON number at ${at || '/'}: ${value}`);
    }
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      assertJson(item, `${at}/${index}`);
    });
    return;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value)) {
      assertJson(item, `${at}/${key}`);
    }
    return;
  }
  throw new Error(`not a JSON value at ${at || '/'}: ${String(value)}`);
}

describe('validValue', () => {
  it.each(cases)('$api $name: every sample is a JSON value Ajv accepts', ({ api, name }) => {
    const validate = validators[api].component(name);
    fc.assert(
      fc.property(validValue(docs[api], name), (value) => {
        assertJson(value);
        if (!validate(value)) {
          throw new Error(
            `${api} ${name} (seed ${seed}): Ajv rejects ${JSON.stringify(value)}\n` +
              JSON.stringify(validate.errors, null, 2),
          );
        }
      }),
      { seed, numRuns },
    );
  });

  it('terminates on recursive schemas at any maxDepth', () => {
    for (const maxDepth of [0, 1, 8]) {
      const validate = validators.scale.component('Annotation');
      fc.assert(
        fc.property(validValue(docs.scale, 'Annotation', { maxDepth }), (value) => {
          expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
        }),
        { seed, numRuns: 100 },
      );
    }
  });

  it('produces RFC 3339 date-times with offsets and fractions', () => {
    const samples = fc.sample(
      validValue(docs.scale, 'Submission').map(
        (value) => (value as { submitted_at?: string }).submitted_at,
      ),
      { seed, numRuns: 500 },
    );
    const dates = samples.filter((value): value is string => value !== undefined);
    expect(dates.length).toBeGreaterThan(100);
    for (const date of dates) {
      expect(date).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/);
    }
    expect(dates.some((date) => date.endsWith('Z'))).toBe(true);
    expect(dates.some((date) => /[+-]\d{2}:\d{2}$/.test(date))).toBe(true);
    expect(dates.some((date) => date.includes('.'))).toBe(true);
  });
});

describe('synthetic documents', () => {
  const docWith = (schemas: Record<string, unknown>) =>
    ({ components: { schemas } }) as SchemaDocument;

  it('throws on an unknown keyword, naming its JSON pointer', () => {
    const doc = docWith({
      A: { type: 'object', properties: { b: { $ref: '#/components/schemas/B' } } },
      B: { type: 'object', patternProperties: { '^x': { type: 'string' } } },
    });
    expect(() => validValue(doc, 'A')).toThrow(
      '#/components/schemas/B/patternProperties: unsupported JSON Schema keyword "patternProperties"',
    );
  });

  it('throws on an unknown format and on a non-local $ref', () => {
    expect(() => validValue(docWith({ A: { type: 'string', format: 'ipv4' } }), 'A')).toThrow(
      '#/components/schemas/A/format: unsupported format "ipv4"',
    );
    expect(() => validValue(docWith({ A: { $ref: 'other.json#/A' } }), 'A')).toThrow(
      'unsupported $ref',
    );
  });

  it('generates every supported format so that Ajv accepts it', () => {
    const formats = ['date-time', 'date', 'email', 'uri', 'uuid'];
    const doc = docWith(
      Object.fromEntries(formats.map((format) => [format, { type: 'string', format }])),
    );
    const factory = createReference(doc);
    for (const format of formats) {
      const validate = factory.component(format);
      fc.assert(
        fc.property(validValue(doc, format), (value) => {
          expect(validate(value), `${format}: ${JSON.stringify(value)}`).toBe(true);
        }),
        { seed, numRuns: 500 },
      );
    }
  });

  it('handles boolean schemas and closed objects', () => {
    const doc = docWith({
      A: {
        type: 'object',
        required: ['a'],
        properties: { a: true, never: false, list: { type: 'array', items: false } },
        additionalProperties: false,
      },
    });
    const samples = fc.sample(validValue(doc, 'A'), { seed, numRuns: 200 }) as Record<
      string,
      unknown
    >[];
    for (const sample of samples) {
      expect(Object.keys(sample).every((key) => key === 'a' || key === 'list')).toBe(true);
      expect(sample.list ?? []).toEqual([]);
    }
    const mutations = fc.sample(mutatedValue(doc, 'A'), { seed, numRuns: 200 });
    expect(mutations.some((m) => m.mutation.startsWith('extra property at /never'))).toBe(true);
    expect(
      mutations.some((m) => m.mutation.startsWith('extra property at /unexpected_property')),
    ).toBe(true);
  });
});

describe('mutatedValue', () => {
  it.each(cases)('$api $name: Ajv rejects at least half of the mutated values', ({ api, name }) => {
    const validate = validators[api].component(name);
    let rejected = 0;
    let mutated = 0;
    fc.assert(
      fc.property(mutatedValue(docs[api], name), ({ value, mutation }) => {
        assertJson(value);
        if (mutation !== 'none') {
          mutated += 1;
          if (!validate(value)) {
            rejected += 1;
          }
        }
      }),
      { seed, numRuns },
    );
    if (mutated === 0) {
      return; // nothing to break (no component schema of the bundles is like that)
    }
    if (acceptsEveryJsonValue(validate)) {
      // Nothing can be invalid (SGP FlexibleValue): a rejection would be an Ajv bug.
      expect(rejected).toBe(0);
      return;
    }
    const share = rejected / mutated;
    expect(
      share,
      `${api} ${name} (seed ${seed}): Ajv rejected ${rejected}/${mutated}`,
    ).toBeGreaterThanOrEqual(0.5);
  });

  it('reaches nested locations', () => {
    const mutations = fc
      .sample(mutatedValue(docs.scale, 'Task'), { seed, numRuns: 2000 })
      .map((m) => m.mutation);
    expect(mutations.some((m) => / at \/threads\/\d+\/turns\/\d+\/messages\/\d+\//.test(m))).toBe(
      true,
    );
    for (const kind of [
      'wrong type',
      'missing required property',
      'enum miss',
      'format miss',
      'wrong discriminator tag',
      'const miss',
    ]) {
      expect(
        mutations.some((m) => m.startsWith(`${kind} at `)),
        kind,
      ).toBe(true);
    }
  });

  it('covers constraint misses and extra properties where the schema has them', () => {
    const constraint = fc.sample(mutatedValue(docs.scale, 'V1Task'), { seed, numRuns: 500 });
    expect(constraint.some((m) => m.mutation.includes('(minLength 1)'))).toBe(true);
    expect(constraint.some((m) => m.mutation.includes('(maxItems 5)'))).toBe(true);
    const extra = fc.sample(mutatedValue(docs.scale, 'AnnotationSummary'), { seed, numRuns: 200 });
    expect(extra.some((m) => m.mutation === 'extra property at /type')).toBe(true);
  });
});
