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
  type BatchRef,
  type CreateBatchParams,
  createScaleClient,
  type DatasetDeliveriesParams,
  type DatasetDeliveryParams,
  type DatasetTaskParams,
  type DatasetTasksParams,
  type DeliveryTaskResponsesParams,
  type DeliveryTasksParams,
  type ListBatchesParams,
  type ListTasksParams,
  type ListV1TasksParams,
  type ParsedSchema,
  type ProjectRef,
  type ScaleClient,
  type ScaleClientOptions,
  type SetBatchMetadataParams,
  type V1CreateTaskBody,
} from './scale.js';
export { type JsonErrorLocation, type JsonSchemaObject, SchemaParseError } from './schema-json.js';
export { createSgpClient, type SgpClient, type SgpClientOptions } from './sgp.js';
