export { EmitError } from './emit-error.js';
export { type EmitOptions, emitModule, type OpenApiDocument } from './emit-module.js';
export { emitSchema, type JsonSchema, type SchemaContext } from './emit-schema.js';
