/**
 * TypeBox validators of the Scale task API (v1 and v2): every component schema as a TypeBox type
 * and static type, plus `check`, `errors`, `parse`, `validateResponse` and `validateRequest`.
 */
import { components, context, operations, webhooks } from './generated/scale.js';
import { createValidators } from './runtime.js';

export * from './generated/scale.js';
export {
  type ErrorsOptions,
  type Issue,
  type OperationResult,
  ValidationError,
} from './runtime.js';

const validators = createValidators(context, components, { ...operations, ...webhooks });

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
