/**
 * What the arbitraries need of an OpenAPI 3.1 (or any) document: its component schemas, which
 * `$ref: '#/components/schemas/<Name>'` points at. A bundled OpenAPI document (one file, every
 * `$ref` local) is one.
 */
export interface SchemaDocument {
  components: { schemas: Record<string, unknown> };
}
