import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBundle, openapiDir } from '@scale-contracts/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import type { OfficialFile } from './support/fidelity.js';
import {
  type ApiReport,
  checkFidelity,
  type NameMapping,
  type Row,
} from './support/fidelity-report.js';

// Our spec compared with Scale's official clients, field by field: every place where ours
// refuses a value the official client accepts or sends fails, unless the place carries
// `x-stricter-than-official: "<evidence>"`. The official side is test/fixtures/official.

const fixture = (name: string) =>
  JSON.parse(
    readFileSync(new URL(`./fixtures/official/${name}`, import.meta.url), 'utf8'),
  ) as OfficialFile;

/** Official Python v2 model names → our components, where removing `_`/case is not enough. */
const scaleMapping: NameMapping = {
  aliases: {
    AnnotationBoolean: 'BooleanAnnotation',
    BaseAnnotation: 'AnnotationBase',
    GetDeliveryTasksResponseDocsInner: 'DeliveryTaskDoc',
    ContentAndUrl: 'WorkspaceOutput',
    WorkspaceFile: 'WorkspaceOutputFile',
    WorkspaceContainerConfig: 'WorkspaceConfig',
    CancelBatch200Response: 'BatchOperationResponse',
    PauseBatch200Response: 'BatchOperationResponse',
    ResumeBatch200Response: 'BatchOperationResponse',
    FinalizeBatchRequest: 'BatchOperationRequest',
    GetSchemaResponseSchema: 'SchemaDocument',
  },
  rules: [
    // The Python client's `AnnotationXProperties` helpers hold the fields `AnnotationX` adds.
    [/^(\w+)Properties$/, '$1'],
    [/^\w+?(?:400|404|500)Response$/, 'ErrorBody'],
    [/^Annotation(\w+)$/, '$1Annotation'],
  ],
};

/** Stainless `scale-gp` model names → our SGP components. */
const sgpMapping: NameMapping = {
  aliases: {
    Task: 'EvaluationTask',
    FlexibleTestCaseResultResponse: 'FlexibleTestCaseResult',
    GenerationTestCaseResultResponse: 'GenerationTestCaseResult',
    ResultSchemaFlexible: 'FlexibleTestCaseData',
    ResultSchemaGeneration: 'GenerationTestCaseData',
    ChunkExtraInfoSchema: 'ChunksExtraInfo',
    StringExtraInfoSchema: 'StringExtraInfo',
    GenerationOutputAdditionalObjectGenerationOutputAdditionalObjectItemExternalFile:
      'FlexibleImageUri',
    GenerationOutputAdditionalObjectGenerationOutputAdditionalObjectItemInternalFile:
      'FlexibleImageFileId',
    EvaluationClaimTaskParams: 'ClaimEvaluationTaskRequest',
    TaskUpdateParams: 'UpdateEvaluationTaskRequest',
  },
  rules: [],
};

const reports: Record<'scale' | 'sgp', ApiReport> = {
  // openapi-generator's Python models type every non-required field `Optional[...]` whatever
  // Scale's schema says, so `python_optional` says nothing about null on the wire: a v2 field
  // that is not required may be absent, and is not taken to accept `null`.
  scale: checkFidelity({
    api: 'scale',
    official: fixture('scaleapi-2.18.4-v2.json'),
    doc: loadBundle('scale'),
    mapping: scaleMapping,
    optionalFields: 'absent-only',
  }),
  // Stainless response models declare a non-required field `Optional[X] = None` and the SGP
  // service (FastAPI) serialises an unset one as `null`, so ours must accept null there. Its
  // `*_params` request TypedDicts are not Optional: there a field may only be left out.
  sgp: checkFidelity({
    api: 'sgp',
    official: fixture('scale-gp-0.1.0a59-evaluations.json'),
    doc: loadBundle('sgp'),
    mapping: sgpMapping,
    optionalFields: (model) => (model.module?.endsWith('_params') ? 'absent-only' : 'nullable'),
  }),
};

/** One line per failure: our pointer, the official model.field, what differs. */
const failures = (row: Row) =>
  row.findings
    .filter((finding) => finding.level === 'stricter')
    .map((finding) => `${finding.pointer} (official ${finding.official}): ${finding.message}`);

const rows = (report: ApiReport, kind: 'operation' | 'model') =>
  report.rows
    .filter((row) => row.subject.startsWith(`${kind}:`))
    .map((row) => [row.label, row] as const);

describe.each(['scale', 'sgp'] as const)('%s: fidelity to the official client', (api) => {
  const report = reports[api];

  it('every x-stricter-than-official gives its evidence (a non-empty string)', () => {
    expect(report.invalidExceptions).toEqual([]);
  });

  it('x-stricter-than-official survives bundling', () => {
    const declared = (dir: string): number =>
      readdirSync(dir, { withFileTypes: true }).reduce((count, entry) => {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) {
          return count + declared(path);
        }
        const text = entry.name.endsWith('.yaml') ? readFileSync(path, 'utf8') : '';
        return count + (text.match(/(^|[{,])\s*x-stricter-than-official\s*:/gm) ?? []).length;
      }, 0);
    const bundled = JSON.stringify(loadBundle(api)).split('"x-stricter-than-official"').length - 1;
    expect(bundled).toBeGreaterThanOrEqual(declared(`${openapiDir}src/${api}`));
  });

  describe('operations', () => {
    it.each(rows(report, 'operation'))('%s', (_label, row) => {
      expect(failures(row)).toEqual([]);
    });
  });

  describe('models', () => {
    it.each(rows(report, 'model'))('%s', (_label, row) => {
      expect(failures(row)).toEqual([]);
    });
  });
});

// The comparison must not be a false green: tiny hand-made cases where ours is stricter fail,
// equal or looser ones pass.
describe('the fidelity comparison itself', () => {
  type Schema = Record<string, unknown>;
  const check = (
    ours: Schema,
    properties: OfficialFile['models'][string]['properties'],
    optionalFields: 'absent-only' | 'nullable' = 'absent-only',
  ) =>
    checkFidelity({
      api: 'tiny',
      official: { models: { Thing: { kind: 'object', properties } }, operations: {} },
      doc: { paths: {}, components: { schemas: { Thing: { type: 'object', ...ours } } } },
      mapping: { aliases: {}, rules: [] },
      optionalFields,
    });
  const field = (type: string, required = false) => ({
    n: { type, required, python_optional: !required },
  });
  const stricter = (report: ApiReport) => report.stricter.map((place) => place.message);

  it.each<[string, Schema, ReturnType<typeof field>]>([
    ['equal', { properties: { n: { type: 'integer' } } }, field('integer')],
    ['a union type', { properties: { n: { type: ['integer', 'string'] } } }, field('integer')],
    ['number for an integer', { properties: { n: { type: 'number' } } }, field('integer')],
    ['minimum 0', { properties: { n: { type: 'integer', minimum: 0 } } }, field('integer')],
    ['not required', { properties: { n: { type: 'string' } } }, field('string', true)],
    [
      'a plain string for a date-time',
      { properties: { n: { type: 'string' } } },
      field('string:date-time'),
    ],
    [
      'a wider union',
      { properties: { n: { oneOf: [{ type: 'string' }, { type: 'integer' }] } } },
      field('union<string,integer>'),
    ],
  ])('passes when ours is %s', (_name, ours, properties) => {
    expect(stricter(check(ours, properties))).toEqual([]);
  });

  it.each<[string, Schema, ReturnType<typeof field>, string]>([
    [
      'requires a field',
      { required: ['n'], properties: { n: { type: 'integer' } } },
      field('integer'),
      'ours requires it',
    ],
    [
      'narrows number to integer',
      { properties: { n: { type: 'integer' } } },
      field('number'),
      'type narrower',
    ],
    [
      'narrows integer to string',
      { properties: { n: { type: 'string' } } },
      field('integer'),
      'type narrower',
    ],
    [
      'adds format: date-time',
      { properties: { n: { type: 'string', format: 'date-time' } } },
      field('string'),
      'format: date-time',
    ],
    [
      'adds minLength',
      { properties: { n: { type: 'string', minLength: 1 } } },
      field('string'),
      'minLength: 1',
    ],
    [
      'adds a pattern',
      { properties: { n: { type: 'string', pattern: '^a' } } },
      field('string'),
      'pattern',
    ],
    [
      'adds minimum 1',
      { properties: { n: { type: 'integer', minimum: 1 } } },
      field('integer'),
      'minimum: 1',
    ],
    [
      'adds maximum',
      { properties: { n: { type: 'integer', maximum: 9 } } },
      field('integer'),
      'maximum: 9',
    ],
    [
      'adds maxItems',
      { properties: { n: { type: 'array', maxItems: 2 } } },
      field('array<string>'),
      'maxItems: 2',
    ],
    [
      'narrows array items',
      { properties: { n: { type: 'array', items: { type: 'integer' } } } },
      field('array<number>'),
      'type narrower',
    ],
    [
      'is a closed enum',
      { properties: { n: { type: 'string', enum: ['a'] } } },
      field('string'),
      'closed enum',
    ],
    [
      'lacks a field and is closed',
      { additionalProperties: false },
      field('string'),
      'forbids extra properties',
    ],
    [
      'refuses a union member',
      { properties: { n: { oneOf: [{ type: 'string' }] } } },
      field('union<string,integer>'),
      'no member of our union',
    ],
  ])('fails when ours %s', (_name, ours, properties, expected) => {
    const found = stricter(check(ours, properties));
    expect(found.length).toBeGreaterThan(0);
    expect(found.join('\n')).toContain(expected);
  });

  it('fails on a closed enum lacking an official value', () => {
    const report = checkFidelity({
      api: 'tiny',
      official: { models: { Status: { kind: 'enum', values: ['a', 'b'] } }, operations: {} },
      doc: { paths: {}, components: { schemas: { Status: { type: 'string', enum: ['a'] } } } },
      mapping: { aliases: {}, rules: [] },
      optionalFields: 'absent-only',
    });
    expect(stricter(report)).toEqual(['closed enum lacks official values ["b"]']);
  });

  it('reports (as info, not failure) an official field an open object of ours lacks', () => {
    const report = check({ properties: {} }, field('string'));
    expect(stricter(report)).toEqual([]);
    expect(report.missingFields.map((place) => place.pointer)).toEqual([
      '#/components/schemas/Thing/properties/n',
    ]);
  });

  it('asks for null on Optional fields only when told (SGP), not for openapi-generator ones', () => {
    const ours = { properties: { n: { type: 'string' } } };
    expect(stricter(check(ours, field('string'), 'absent-only'))).toEqual([]);
    expect(stricter(check(ours, field('string'), 'nullable'))[0]).toContain(
      'official accepts null',
    );
    const nullable = { properties: { n: { type: ['string', 'null'] } } };
    expect(stricter(check(nullable, field('string'), 'nullable'))).toEqual([]);
  });

  it.each([
    ['a', []],
    ['b', ['closed enum ["b"] where official is any string']],
  ])('allows a discriminator const only for its own member (ours %s)', (value, expected) => {
    const report = checkFidelity({
      api: 'tiny',
      official: {
        models: {
          Union: { kind: 'oneOf', member_types: ['ref:A'], discriminator_values: ['a'] },
          A: { kind: 'object', properties: { type: { type: 'string', required: true } } },
        },
        operations: {},
      },
      doc: {
        paths: {},
        components: {
          schemas: {
            Union: { oneOf: [{ $ref: '#/components/schemas/A' }] },
            A: { type: 'object', required: ['type'], properties: { type: { const: value } } },
          },
        },
      },
      mapping: { aliases: {}, rules: [] },
      optionalFields: 'absent-only',
    });
    expect(stricter(report)).toEqual(expected);
  });

  it('resolves allOf and $ref the way a validator applies them', () => {
    const report = checkFidelity({
      api: 'tiny',
      official: {
        models: { Thing: { kind: 'object', properties: field('integer') } },
        operations: {},
      },
      doc: {
        paths: {},
        components: {
          schemas: {
            Base: { type: 'object', required: ['n'], properties: { n: { type: 'integer' } } },
            Thing: { allOf: [{ $ref: '#/components/schemas/Base' }, { type: 'object' }] },
          },
        },
      },
      mapping: { aliases: {}, rules: [] },
      optionalFields: 'absent-only',
    });
    expect(stricter(report)).toEqual(['ours requires it; official marks it not required']);
  });

  it('skips a place with x-stricter-than-official and lists its evidence', () => {
    const ours = {
      properties: { n: { type: 'string', minLength: 1, 'x-stricter-than-official': 'seen: 400' } },
    };
    const report = check(ours, field('string'));
    expect(stricter(report)).toEqual([]);
    expect(report.exceptionsUsed.map((place) => place.evidence)).toEqual(['seen: 400']);
  });

  it('rejects an empty evidence string (and does not skip the place)', () => {
    const ours = {
      properties: { n: { type: 'string', minLength: 1, 'x-stricter-than-official': ' ' } },
    };
    const report = check(ours, field('string'));
    expect(report.invalidExceptions).toEqual([
      { pointer: '#/components/schemas/Thing/properties/n', value: ' ' },
    ]);
    expect(stricter(report)).toEqual(['minLength: 1 where official has none']);
  });

  it('keeps x-stricter-than-official through redocly bundle (component, property, parameter)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fidelity-bundle-'));
    const files: Record<string, string> = {
      'root.yaml': [
        'openapi: 3.1.0',
        "info: { title: t, version: '1' }",
        'paths:',
        '  /things:',
        '    get:',
        '      parameters: [{ $ref: ./Param.yaml }]',
        '      responses:',
        "        '200':",
        '          description: ok',
        '          content: { application/json: { schema: { $ref: ./Thing.yaml } } }',
      ].join('\n'),
      'Thing.yaml': [
        'type: object',
        'x-stricter-than-official: component evidence',
        'properties:',
        '  n: { type: string, minLength: 1, x-stricter-than-official: property evidence }',
      ].join('\n'),
      'Param.yaml': [
        'name: q',
        'in: query',
        'x-stricter-than-official: parameter evidence',
        'schema: { type: string, minLength: 1 }',
      ].join('\n'),
    };
    for (const [name, text] of Object.entries(files)) {
      writeFileSync(join(dir, name), `${text}\n`);
    }
    const redocly = join(openapiDir, 'node_modules', '.bin', 'redocly');
    const run = spawnSync(redocly, ['bundle', 'root.yaml', '-o', 'out.json'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    });
    expect(run.status, run.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    rmSync(dir, { recursive: true, force: true });
    const report = checkFidelity({
      api: 'tiny',
      official: {
        models: { Thing: { kind: 'object', properties: field('string') } },
        operations: {
          list: {
            method: 'GET',
            path: '/things',
            params: { q: { in: 'query', type: 'string', required: false } },
          },
        },
      },
      doc,
      mapping: { aliases: {}, rules: [] },
      optionalFields: 'absent-only',
    });
    expect(stricter(report)).toEqual([]);
    expect(report.exceptionsUsed.map((place) => [place.pointer, place.evidence])).toEqual([
      ['#/components/parameters/Param', 'parameter evidence'],
      ['#/components/schemas/Thing/properties/n', 'property evidence'],
    ]);
    expect(report.unusedExceptions).toEqual(['#/components/schemas/Thing']);
  });

  const operationCheck = (parameterSchema: Schema) =>
    checkFidelity({
      api: 'tiny',
      official: {
        models: { Page: { kind: 'object', properties: field('string') } },
        operations: {
          list: {
            method: 'GET',
            path: '/things',
            params: { after: { in: 'query', type: 'string:date-time', required: false } },
            responses: { '200': 'Page' },
          },
          gone: { method: 'GET', path: '/gone', params: {}, responses: {} },
        },
      },
      doc: {
        paths: {
          '/things': {
            get: {
              parameters: [{ name: 'after', in: 'query', required: true, schema: parameterSchema }],
              responses: {
                '200': { content: { 'application/json': { schema: { type: 'object' } } } },
              },
            },
          },
        },
        components: { schemas: {} },
      },
      mapping: { aliases: {}, rules: [] },
      optionalFields: 'absent-only',
    });

  it('checks operations: missing ones, required parameters, date-times the client sends, models without counterpart', () => {
    const report = operationCheck({ type: 'string', format: 'date-time' });
    expect(report.operations).toEqual({
      official: 2,
      missing: ['GET /gone'],
      parametersStricter: 1,
    });
    expect(stricter(report)).toEqual(
      expect.arrayContaining([
        'ours has no GET /gone',
        'ours requires it; the official client treats it as optional',
        'refuses date-times the official client sends: 2025-01-01T00:00:00.000000+0000, 2025-01-01T12:30:00.123456-0530, 2025-01-01T00:00:00.000000',
      ]),
    );
    // `Page` has no counterpart in ours, yet a response uses it (it is compared inline there).
    expect(report.models.withoutCounterpart).toEqual([]);
  });

  it('accepts a date-time parameter pattern that takes what the client sends', () => {
    const pattern =
      '^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?([Zz]|[+-]\\d\\d:?\\d\\d)?$';
    const report = operationCheck({ type: 'string', pattern });
    expect(stricter(report).filter((m) => m.includes('date-time'))).toEqual([]);
  });
});

afterAll(() => {
  const summary = Object.fromEntries(
    Object.entries(reports).map(([api, report]) => {
      const { rows: _rows, ...rest } = report;
      return [api, rest];
    }),
  );
  const dir = join(openapiDir, '.vitest');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'fidelity.json'), `${JSON.stringify(summary, null, 2)}\n`);
  const lines = Object.values(reports).flatMap((report) => [
    `${report.api} (official ${report.officialVersion}): ${report.operations.official} official operations, ${report.operations.missing.length} missing${report.operations.missing.length ? ` (${report.operations.missing.join(', ')})` : ''}, ${report.operations.parametersStricter} parameters stricter`,
    `  models: ${report.models.official} official, ${report.models.compared} compared, ${report.models.withoutCounterpart.length} without counterpart: ${report.models.withoutCounterpart.map((m) => `${m.model}${m.referencedFrom.length ? ' (referenced)' : ''}`).join(', ') || 'none'}`,
    `  stricter places: ${report.stricter.length}`,
    ...report.stricter.map(
      (p) => `    ${p.pointer} (official ${p.official.join(', ')}): ${p.message}`,
    ),
    `  exceptions used: ${report.exceptionsUsed.length}`,
    ...report.exceptionsUsed.map((p) => `    ${p.pointer}: ${p.evidence} [excuses: ${p.message}]`),
    ...(report.unusedExceptions.length
      ? [`  exceptions not needed: ${report.unusedExceptions.join(', ')}`]
      : []),
    `  official fields our open objects lack (info): ${report.missingFields.length}`,
    ...report.missingFields.map((p) => `    ${p.pointer} (official ${p.official.join(', ')})`),
  ]);
  // biome-ignore lint/suspicious/noConsole: the summary is this test's report (also in .vitest/fidelity.json).
  console.log(`Fidelity to the official clients\n${lines.join('\n')}`);
});
