/**
 * What `pnpm generate` produces: one module per bundled API document, and the
 * openapi-typescript options every module is generated with (reasons in README.md).
 */
export default {
  apis: [
    {
      name: 'scale',
      input: '@scale-contracts/openapi/scale.json',
      source: 'openapi/src/scale/openapi.yaml',
    },
    {
      name: 'sgp',
      input: '@scale-contracts/openapi/sgp.json',
      source: 'openapi/src/sgp/openapi.yaml',
    },
  ],
  outputDir: 'src/generated',
  options: {
    // One exported type per component (`Task`, `Annotation`, ...), named as in the spec.
    rootTypes: true,
    rootTypesNoSchemaPrefix: true,
    // A property with a `default` stays optional, as a JSON Schema validator treats it.
    defaultNonNullable: false,
    // Free-form objects (`metadata`, `params`) accept any keys instead of none.
    emptyObjectsUnknown: true,
  },
};
