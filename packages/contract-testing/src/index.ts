/**
 * Contract tests of Scale AI's task APIs and SGP: `verify` an API (or the mock) against the
 * scale-contracts spec, and report the result as text, JSON, JUnit XML or an HTML page.
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
export { defaultDeadlineMs, exitCodeOf } from './outcome.js';
export { createPacer } from './pacer.js';
export {
  escapeHtml,
  escapeXml,
  type FormatTextOptions,
  formatText,
  outcomeLine,
  summaryLine,
  toHtml,
  toJson,
  toJUnit,
} from './reporters.js';
export type {
  Api,
  CheckResult,
  FetchFunction,
  OperationReport,
  Outcome,
  PreflightResult,
  ProgressEvent,
  Report,
  VerifyOptions,
  Violation,
} from './types.js';
export { VerifyUsageError, verify } from './verify.js';
export { formatViolation } from './violations.js';
