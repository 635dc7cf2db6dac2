/**
 * Vitest matchers for your own tests: `import '@scale-contracts/contract-testing/vitest'` adds
 * `toMatchSchema(api, schema)` and `toMatchOperation(api, operationId)` to `expect`.
 */
import { expect } from 'vitest';
import {
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
import type { Api } from './types.js';

/** The matchers this module adds to vitest's `expect`. */
export interface ContractMatchers<R = unknown> {
  /** Passes when the value satisfies the API's component schema, e.g. `('scale', 'Task')`. */
  toMatchSchema(api: 'scale', schema: ScaleSchemaName): R;
  toMatchSchema(api: 'sgp', schema: SgpSchemaName): R;
  /**
   * Passes when the response (`{ status, headers?, body }` or an openapi-fetch result) has a
   * documented status and content type and a body that satisfies the declared schema.
   */
  toMatchOperation(api: 'scale', operationId: ScaleOperationId): R;
  toMatchOperation(api: 'sgp', operationId: SgpOperationId): R;
}

declare module 'vitest' {
  // biome-ignore lint/suspicious/noExplicitAny: the type parameter must match vitest's own declaration
  interface Assertion<T = any> extends ContractMatchers<T> {}
  interface AsymmetricMatchersContaining extends ContractMatchers {}
}

const plural = (count: number) => `${count} violation${count === 1 ? '' : 's'}`;

/** The matcher implementations, for `expect.extend` in setups that need to call it themselves. */
export const contractMatchers = {
  toMatchSchema(this: { isNot: boolean }, received: unknown, api: Api, schema: string) {
    const violations = schemaViolations(api, schema, received);
    const pass = violations.length === 0;
    return {
      pass,
      message: () =>
        this.isNot
          ? `expected value not to match ${api} schema ${schema}, but it does`
          : `expected value to match ${api} schema ${schema}, but it has ${plural(violations.length)}:\n${formatViolations(violations)}`,
    };
  },
  toMatchOperation(this: { isNot: boolean }, received: unknown, api: Api, operationId: string) {
    const response = received as ResponseLike;
    const violations = operationViolations(api, operationId, response);
    const { status } = readResponse(response);
    const pass = violations.length === 0;
    return {
      pass,
      message: () =>
        this.isNot
          ? `expected response (${status}) not to match ${api} ${operationId}, but it does`
          : `expected response (${status}) to match ${api} ${operationId}, but it has ${plural(violations.length)}:\n${formatViolations(violations)}`,
    };
  },
};

expect.extend(contractMatchers);
