import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formatsModule, { type FormatsPlugin } from 'ajv-formats';
import type { SchemaDocument } from './document.js';

// ajv-formats is CommonJS: under NodeNext the default import is `module.exports`, the plugin.
const addFormats = formatsModule as unknown as FormatsPlugin;

const schemaRef = '#/components/schemas/';
/** The id under which the document's component schemas live in the private Ajv instance. */
const DOCUMENT_ID = 'schema-arbitraries-document';

/**
 * Compiles schemas of `doc` (inline or `$ref`) with an Ajv (JSON Schema 2020-12, formats) that
 * knows every component schema. Only used to keep `not` and `oneOf` exclusive: it decides
 * whether a generated value matches a schema, never whether a document is well formed, so
 * unknown keywords are ignored rather than refused.
 */
export function createSchemaCompiler(doc: SchemaDocument) {
  const ajv = new Ajv2020({ strict: false, allowUnionTypes: true, validateFormats: true });
  addFormats(ajv);
  const rewrite = (value: unknown): unknown =>
    JSON.parse(
      JSON.stringify(value).replaceAll(`"${schemaRef}`, `"${DOCUMENT_ID}#/$defs/`),
    ) as unknown;
  ajv.addSchema({ $id: DOCUMENT_ID, $defs: rewrite(doc.components.schemas) as object });
  return {
    compile(schema: unknown): ValidateFunction {
      return ajv.compile(rewrite(schema) as object);
    },
  };
}
