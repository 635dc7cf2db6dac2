/**
 * TypeBox validators of the SGP v4 evaluation-task API: every component schema as a TypeBox type
 * and static type, plus `check`, `errors`, `parse`, `validateResponse` and `validateRequest`.
 */
import { components, context, operations } from './generated/sgp.js';
import { createValidators } from './runtime.js';

export * from './generated/sgp.js';
export {
  type ErrorsOptions,
  type Issue,
  type OperationResult,
  ValidationError,
} from './runtime.js';

const validators = createValidators(context, components, operations);

/** True when `value` satisfies component schema `name`. */
export const check = validators.check;
/** Every issue of `value` against component schema `name`. */
export const errors = validators.errors;
/** Returns `value` typed when valid; throws `ValidationError` otherwise. */
export const parse = validators.parse;
/** Checks a response body against the operation's schema for its status and content type. */
export const validateResponse = validators.validateResponse;
/** Checks the path, query, headers and body of a request to an operation. */
export const validateRequest = validators.validateRequest;
