import {
  apis,
  collectMediaExamples,
  loadBundle,
  loadNegativeExamples,
  materialize,
} from '@scale-contracts/test-support';
import { describe, expect, it } from 'vitest';
import * as scale from '../src/scale.js';
import * as sgp from '../src/sgp.js';

const modules = { scale, sgp };

// Every example of the spec validates through the operation it illustrates, and every negative
// example fails with the expected pointer and keyword.
describe.each(apis)('%s examples', (api) => {
  const doc = loadBundle(api);
  const examples = collectMediaExamples(api, doc);
  const operationIdOf = (location: (typeof examples)[number]['location']) => {
    const item = (location.container === 'paths' ? doc.paths : (doc.webhooks ?? {}))[location.key];
    return location.container === 'webhooks'
      ? location.key
      : (
          (item as Record<string, { operationId: string }>)[location.method] as {
            operationId: string;
          }
        ).operationId;
  };

  it.each(examples.map((example) => [example.where, example] as const))('%s', (_where, example) => {
    const operationId = operationIdOf(example.location);
    const result =
      example.location.status === undefined
        ? modules[api].validateRequest(operationId as never, {
            body: example.value,
            contentType: example.location.mediaType,
          })
        : modules[api].validateResponse(
            operationId as never,
            example.location.status,
            example.value,
            {
              contentType: example.location.mediaType,
            },
          );
    // A request example illustrates only the body; the path parameters it would need are not part of it.
    const relevant = result.issues.filter(
      (issue) => example.location.status !== undefined || issue.path.startsWith('/body'),
    );
    expect(relevant).toEqual([]);
  });
});

describe('negative examples', () => {
  it.each(loadNegativeExamples().map((c) => [c.name, c] as const))('%s', (_name, testCase) => {
    const validators = modules[testCase.api];
    const value = materialize(testCase, loadBundle(testCase.api));
    const { check, errors } = validators as typeof scale;
    expect(check(testCase.schema as never, value)).toBe(false);
    const issues = errors(testCase.schema as never, value);
    expect(issues.map((issue) => `${issue.path} ${issue.keyword}`)).toContain(
      `${testCase.pointer} ${testCase.keyword}`,
    );
  });
});
