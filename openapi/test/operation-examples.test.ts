import { apis, loadBundle } from '@scale-contracts/test-support';
import { describe, expect, it } from 'vitest';

// A stateless spec-driven mock (Prism) serves the first named example of a 2xx response; without
// one it invents values (`"labels": [null]`). So every JSON success response and every JSON
// request body carries named examples, the first one a real (non-null) body. Their validity
// against the schema is checked by examples.test.ts.

type Json = Record<string, unknown>;
const objectOf = (value: unknown): Json =>
  value !== null && typeof value === 'object' ? (value as Json) : {};

interface Place {
  where: string;
  examples: unknown;
}

function jsonPlaces(api: (typeof apis)[number]): Place[] {
  const doc = loadBundle(api);
  const places: Place[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const op = objectOf(operation);
      if (typeof op.operationId !== 'string') {
        continue;
      }
      const body = objectOf(objectOf(objectOf(op.requestBody).content)['application/json']);
      if (Object.keys(body).length > 0) {
        places.push({ where: `${op.operationId} request body`, examples: body.examples });
      }
      for (const [status, response] of Object.entries(objectOf(op.responses))) {
        const media = objectOf(objectOf(objectOf(response).content)['application/json']);
        if (status.startsWith('2') && Object.keys(media).length > 0) {
          places.push({
            where: `${op.operationId} ${status} (${method.toUpperCase()} ${path})`,
            examples: media.examples,
          });
        }
      }
    }
  }
  return places;
}

/** The value of a named example, following a `$ref` into components/examples. */
function exampleValue(api: (typeof apis)[number], example: unknown): unknown {
  const ref = objectOf(example).$ref;
  if (typeof ref === 'string') {
    const name = ref.replace('#/components/examples/', '');
    return objectOf(loadBundle(api).components.examples?.[name]).value;
  }
  return objectOf(example).value;
}

describe.each(apis)('%s operations', (api) => {
  const places = jsonPlaces(api);

  it('has JSON bodies to look at', () => {
    expect(places.length).toBeGreaterThan(api === 'scale' ? 40 : 5);
  });

  it.each(places.map((place) => [place.where, place] as const))(
    '%s has named examples, the first a real body',
    (_where, place) => {
      const named = objectOf(place.examples);
      expect(Object.keys(named).length, 'no named examples').toBeGreaterThan(0);
      const first = exampleValue(api, Object.values(named)[0]);
      expect(first, 'the first example has no value').not.toBeUndefined();
      expect(first, 'the first example is null').not.toBeNull();
    },
  );
});
