import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formatsModule, { type FormatsPlugin } from 'ajv-formats';
import type { SchemaDocument } from '../../src/index.js';

// ajv-formats is CommonJS: under NodeNext the default import is `module.exports`, the plugin.
const addFormats = formatsModule as unknown as FormatsPlugin;

export const apis = ['scale', 'sgp'] as const;
export type ApiName = (typeof apis)[number];

/**
 * The bundles `pnpm build` writes to openapi/dist/<api>.json, read by path: a dependency on
 * @scale-contracts/openapi would make a cycle (its tests use test-support, which uses this
 * package).
 */
export function loadBundle(api: ApiName): SchemaDocument {
  const file = fileURLToPath(new URL(`../../../../openapi/dist/${api}.json`, import.meta.url));
  return JSON.parse(readFileSync(file, 'utf8')) as SchemaDocument;
}

const schemaRef = '#/components/schemas/';

/**
 * The independent reference validator: an Ajv (JSON Schema 2020-12, strict, ajv-formats) that
 * knows every component schema of the document; OpenAPI-only keywords are annotations.
 */
export function createReference(doc: SchemaDocument) {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  ajv.addVocabulary([
    'discriminator',
    'example',
    'xml',
    'externalDocs',
    'x-stricter-than-official',
  ]);
  const rewrite = (value: unknown): object =>
    JSON.parse(JSON.stringify(value).replaceAll(`"${schemaRef}`, '"doc#/$defs/')) as object;
  ajv.addSchema({ $id: 'doc', $defs: rewrite(doc.components.schemas) });
  return {
    /** Compiles a schema found in the document (inline or `$ref`). */
    compile(schema: unknown): ValidateFunction {
      return ajv.compile(rewrite(schema));
    },
    /** The validator of one named component schema. */
    component(name: string): ValidateFunction {
      const validate = ajv.getSchema(`doc#/$defs/${name}`);
      if (!validate) {
        throw new Error(`no component schema named ${name}`);
      }
      return validate;
    },
  };
}

/** One value of each JSON type (and an empty string): a schema that accepts them all accepts anything. */
const EVERY_JSON_TYPE: unknown[] = [null, true, 1.5, '', [1, {}], {}];

/** True when `validate` accepts a value of every JSON type (SGP's `FlexibleValue`). */
export function acceptsEveryJsonValue(validate: (value: unknown) => boolean): boolean {
  return EVERY_JSON_TYPE.every((value) => validate(value));
}
