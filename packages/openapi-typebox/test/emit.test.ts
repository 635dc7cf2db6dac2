import { readFileSync } from 'node:fs';
import Schema from 'typebox/schema';
import { describe, expect, it } from 'vitest';
import { EmitError, emitModule, type OpenApiDocument } from '../src/index.js';

const fixture = (name: string) =>
  JSON.parse(
    readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8'),
  ) as OpenApiDocument;
const options = { source: 'test/fixtures/keywords.json', regenerate: 'vitest -u' };

describe('emitModule', () => {
  it('emits every supported keyword as readable TypeBox (locked by the committed output)', async () => {
    await expect(emitModule(fixture('keywords'), options)).toMatchFileSnapshot(
      './__snapshots__/keywords.ts',
    );
  });

  it('is deterministic', () => {
    expect(emitModule(fixture('keywords'), options)).toBe(emitModule(fixture('keywords'), options));
  });
});

// The committed output, imported as a module: it must type-check (tsc covers test/) and validate
// exactly as the JSON Schema it came from.
describe('the emitted module validates like the source schema', async () => {
  const emitted = await import('./__snapshots__/keywords.js');
  const check = (name: keyof typeof emitted.components, value: unknown) =>
    Schema.Compile(emitted.context as never, emitted.components[name] as never).Check(value);

  it.each([
    ['NullFirst', null, true],
    ['NullFirst', '2024-01-01T00:00:00Z', true],
    ['NullFirst', 'not a date', false],
    ['NullLast', 'x', false],
    ['Color', 'red', true],
    ['Color', 'pink', false],
    ['Mixed', null, true],
    ['Mixed', true, true],
    ['Mixed', false, false],
    ['Version', 'v1', true],
    ['Version', 'v2', false],
    ['Nothing', null, true],
    ['StringRules', 'a@b.co', false],
    ['StringRules', 'ab', false],
    ['NumberRules', 9.5, true],
    ['NumberRules', 9.25, false],
    ['NumberRules', 10.5, false],
    ['Count', 1.5, false],
    ['ArrayRules', ['a', 'a'], false],
    ['ArrayRules', [], false],
    ['Pair', ['a', 1], true],
    ['Pair', ['a', 1, 2], false],
    ['Header', ['header', 1, 2], true],
    ['Header', ['header', 'x'], false],
    ['Closed', { a: 'x' }, true],
    ['Closed', { a: 'x', b: 1 }, false],
    ['Open', { a: 'x', b: 1 }, true],
    ['Counts', { x: 1, y: 2 }, true],
    ['Counts', { x: 'one' }, false],
    ['FreeForm', { anything: [1] }, true],
    ['FreeForm', [], false],
    ['Loose', { must: 1, anything: { deep: true } }, true],
    ['Loose', { must: 1, nothing: 0 }, false],
    ['Loose', {}, false],
    ['NotReserved', 'alice', true],
    ['NotReserved', 'root', false],
    ['Shape', { kind: 'circle', radius: 1 }, true],
    ['Shape', { kind: 'square', side: 2 }, true],
    ['Shape', { side: 2 }, false],
    ['Shape', { kind: 'circle', side: 2 }, false],
    ['IdOrWidget', 'w1', true],
    ['Overlapping', { a: 'x' }, false],
    ['Overlapping', { a: 'x', b: 1 }, true],
    ['Either', 3, true],
    ['Either', 3.5, false],
    ['Extended', { id: 'a', extra: true }, true],
    ['Extended', { id: 'a' }, false],
    ['TreeNode', { name: 'a', children: [{ name: 'b', children: [{ name: 'c' }] }] }, true],
    ['TreeNode', { name: 'a', children: [{ name: 'b', children: [{}] }] }, false],
    [
      'Widget',
      {
        id: 'w',
        color: 'red',
        shape: { kind: 'square', side: 1 },
        tree: { name: 't' },
        created_at: null,
      },
      true,
    ],
    ['Widget', { id: 'w', color: 'red', tree: { name: 1 } }, false],
  ] as const)('%s %j -> %s', (name, value, expected) => {
    expect(check(name, value)).toBe(expected);
  });

  it('emits request and response schemas per operation, header names lower-cased', () => {
    const operation = emitted.operations.getWidget;
    expect(operation.method).toBe('GET');
    expect(Object.keys(operation.request)).toEqual(['path', 'query', 'header']);
    expect(Object.keys(operation.request.header.properties)).toEqual(['x-request-id']);
    expect(Object.keys(operation.responses)).toEqual(['200', '204', 'default']);
    expect(operation.responses['204']).toEqual({});
    expect(emitted.operations.putWidget.request.body.required).toBe(true);
    expect(Object.keys(emitted.webhooks)).toEqual(['widgetChanged']);
  });
});

describe('untranslatable input fails with the JSON pointer and the keyword', () => {
  const withSchema = (schema: unknown): OpenApiDocument => ({
    openapi: '3.1.0',
    components: { schemas: { Bad: schema as Record<string, unknown> } },
  });
  it.each([
    [
      'OpenAPI 3.0 nullable',
      { type: 'string', nullable: true },
      '#/components/schemas/Bad',
      'nullable',
    ],
    [
      'if/then/else',
      // biome-ignore lint/suspicious/noThenProperty: a JSON Schema `then` is the point of this case
      { type: 'object', if: { required: ['a'] }, then: { required: ['b'] } },
      '#/components/schemas/Bad',
      'if',
    ],
    [
      'patternProperties',
      { type: 'object', patternProperties: { '^x': {} } },
      '#/components/schemas/Bad',
      'patternProperties',
    ],
    [
      'unevaluatedProperties',
      { allOf: [{ type: 'object' }], unevaluatedProperties: false },
      '#/components/schemas/Bad',
      'unevaluatedProperties',
    ],
    [
      'a nested unknown keyword',
      { type: 'object', properties: { a: { type: 'string', contains: {} } } },
      '#/components/schemas/Bad/properties/a',
      'contains',
    ],
    ['an external $ref', { $ref: 'other.json#/X' }, '#/components/schemas/Bad', '$ref'],
    [
      'a $ref to a missing schema',
      { $ref: '#/components/schemas/Missing' },
      '#/components/schemas/Bad',
      '$ref',
    ],
    ['an object const', { const: { a: 1 } }, '#/components/schemas/Bad/const', 'const'],
    [
      'properties without a type',
      { properties: { a: { type: 'string' } } },
      '#/components/schemas/Bad',
      'properties',
    ],
    ['an unknown type', { type: 'date' }, '#/components/schemas/Bad/type', 'type'],
    [
      'oneOf and anyOf together',
      { oneOf: [{ type: 'string' }], anyOf: [{ type: 'number' }] },
      '#/components/schemas/Bad',
      'anyOf',
    ],
    [
      'a discriminated member without its tag',
      { oneOf: [{ type: 'object' }], discriminator: { propertyName: 'kind' } },
      '#/components/schemas/Bad/oneOf/0',
      'discriminator',
    ],
    [
      'an enum value outside the type',
      { type: 'string', enum: ['a', 1] },
      '#/components/schemas/Bad/enum',
      'enum',
    ],
  ])('%s', (_name, schema, pointer, keyword) => {
    let caught: unknown;
    try {
      emitModule(withSchema(schema), options);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(EmitError);
    expect(caught).toMatchObject({ pointer, keyword });
    expect((caught as Error).message).toContain(`${pointer}: cannot translate \`${keyword}\``);
  });

  it('refuses a document that is not OpenAPI 3.1', () => {
    expect(() => emitModule({ openapi: '3.0.3' }, options)).toThrow(
      /expected an OpenAPI 3.1 document/,
    );
  });

  it('names parameters described by content instead of schema', () => {
    const document: OpenApiDocument = {
      openapi: '3.1.0',
      paths: {
        '/x': {
          get: {
            operationId: 'x',
            parameters: [{ name: 'q', in: 'query', content: {} }],
            responses: {},
          },
        },
      },
    };
    expect(() => emitModule(document, options)).toThrow(
      '#/paths/~1x/get/parameters/0: cannot translate `content`',
    );
  });
});
