/**
 * Contract tests of Scale AI's task APIs and SGP: `verify` an API (or the mock) against the
 * scale-contracts spec, and report the result as text, JSON or JUnit XML.
 */
export {
  formatViolations,
  operationViolations,
  type ResponseLike,
  readResponse,
  type ScaleOperationId,
  type ScaleSchemaName,
  type SgpOperationId,
  type SgpSchemaName,
  schemaViolations,
} from './matchers.js';
export { createPacer } from './pacer.js';
export {
  escapeXml,
  type FormatTextOptions,
  formatText,
  summaryLine,
  toJson,
  toJUnit,
} from './reporters.js';
export type {
  Api,
  CheckResult,
  FetchFunction,
  OperationReport,
  ProgressEvent,
  Report,
  VerifyOptions,
  Violation,
} from './types.js';
export { VerifyUsageError, verify } from './verify.js';
export { formatViolation } from './violations.js';
