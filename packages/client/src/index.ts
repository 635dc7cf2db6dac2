export type { CallOptions, ClientOptions, ValidateMode } from './client-core.js';
export {
  AbortError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  ConnectionError,
  InternalServerError,
  NotFoundError,
  PaginationError,
  PaymentRequiredError,
  PermissionDeniedError,
  RateLimitError,
  ResponseValidationError,
  ScaleApiError,
  ScaleClientError,
  TimeoutError,
  UnprocessableEntityError,
} from './errors.js';
export type { Logger, LogLevel } from './logger.js';
export { Paginator } from './pagination.js';
export { retryPolicy } from './retry-policy.js';
export {
  createScaleClient,
  type DeliveryTaskResponsesParams,
  type DeliveryTasksParams,
  type ListBatchesParams,
  type ListTasksParams,
  type ListV1TasksParams,
  type ScaleClient,
  type ScaleClientOptions,
} from './scale.js';
export { createSgpClient, type SgpClient, type SgpClientOptions } from './sgp.js';
