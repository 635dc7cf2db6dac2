import {
  type ApiName,
  acceptsEveryJsonValue,
  apis,
  createValidatorFactory,
  loadBundle,
  mutatedValue,
  validValue,
} from '@scale-contracts/test-support';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as scale from '../src/scale.js';
import * as sgp from '../src/sgp.js';

// TypeBox (the generated validators) and Ajv (2020-12 + ajv-formats, compiled from the original
// bundled JSON Schema) must give the same verdict on every generated value: valid values and
// one-mutation variants of them, for every component schema of both APIs.
const seed = Number(process.env.DIFFERENTIAL_SEED ?? 20261122);
const numRuns = Number(process.env.DIFFERENTIAL_RUNS ?? 500);
const modules = { scale, sgp } as const;

const cases = apis.flatMap((api) => {
  const doc = loadBundle(api);
  return Object.keys(doc.components.schemas).map((name) => [api, name] as [ApiName, string]);
});

describe(`TypeBox agrees with Ajv (seed ${seed}, ${numRuns} valid + ${numRuns} mutated values per schema)`, () => {
  const documents = { scale: loadBundle('scale'), sgp: loadBundle('sgp') };
  const ajv = {
    scale: createValidatorFactory('scale', documents.scale),
    sgp: createValidatorFactory('sgp', documents.sgp),
  };

  it.each(cases)(
    '%s %s',
    (api, name) => {
      const reference = ajv[api].component(name);
      const check = (value: unknown) =>
        (modules[api].check as (name: string, value: unknown) => boolean)(name, value);
      const agree = (value: unknown, label: string) => {
        const expected = reference(value);
        const actual = check(value);
        if (actual !== expected) {
          throw new Error(
            `${api} ${name}: TypeBox says ${actual ? 'valid' : 'invalid'}, Ajv says ${expected ? 'valid' : 'invalid'} (${label}); Ajv errors: ${JSON.stringify(reference.errors)}; value: ${JSON.stringify(value).slice(0, 2000)}`,
          );
        }
        return expected;
      };
      let valid = 0;
      fc.assert(
        fc.property(validValue(documents[api], name), (value) => {
          valid += agree(value, 'generated valid value') ? 1 : 0;
        }),
        { seed, numRuns },
      );
      let rejected = 0;
      fc.assert(
        fc.property(mutatedValue(documents[api], name), ({ value, mutation }) => {
          rejected += agree(value, mutation) ? 0 : 1;
        }),
        { seed: seed + 1, numRuns },
      );
      // The generators must exercise both verdicts, or agreement would prove little.
      expect(valid).toBe(numRuns);
      if (acceptsEveryJsonValue(reference)) {
        expect(rejected).toBe(0); // a schema that constrains nothing (SGP FlexibleValue)
      } else {
        expect(rejected).toBeGreaterThan(0);
      }
    },
    120_000,
  ); // a large schema takes seconds when CI runs every package at once
});
