/**
 * The one list of error codes Tributary uses. Every error a user can see carries one of these,
 * so logs, HTTP answers and CLI messages can be matched on a stable word instead of a sentence.
 */
export const errorCodes = {
  CONFIG_INVALID: { retryable: false, httpStatus: 500 },
  PREREQUISITE_MISSING: { retryable: false, httpStatus: 500 },
  PORT_IN_USE: { retryable: false, httpStatus: 500 },
  DOWNLOAD_FAILED: { retryable: true, httpStatus: 500 },
  STACK_START_FAILED: { retryable: false, httpStatus: 500 },
  USAGE: { retryable: false, httpStatus: 400 },
  VALIDATION_FAILED: { retryable: false, httpStatus: 400 },
  BAD_REQUEST: { retryable: false, httpStatus: 400 },
  PAYLOAD_TOO_LARGE: { retryable: false, httpStatus: 413 },
  NOT_FOUND: { retryable: false, httpStatus: 404 },
  /** The path exists, but not with the method asked (the answer's Allow header lists those it takes). */
  METHOD_NOT_ALLOWED: { retryable: false, httpStatus: 405 },
  SCHEMA_NOT_FOUND: { retryable: false, httpStatus: 500 },
  SCHEMA_INVALID: { retryable: false, httpStatus: 500 },
  SCHEMA_INCOMPATIBLE: { retryable: false, httpStatus: 409 },
  WIRE_FORMAT_INVALID: { retryable: false, httpStatus: 500 },
  UNKNOWN_SCHEMA_ID: { retryable: false, httpStatus: 500 },
  DECODE_FAILED: { retryable: false, httpStatus: 500 },
  REGISTRY_UNAVAILABLE: { retryable: true, httpStatus: 503 },
  KAFKA_UNAVAILABLE: { retryable: true, httpStatus: 503 },
  STORE_UNAVAILABLE: { retryable: true, httpStatus: 503 },
  /** The trace store (Jaeger's query API) cannot be reached or gave no usable answer. */
  TRACING_UNAVAILABLE: { retryable: true, httpStatus: 503 },
  TIMEOUT: { retryable: true, httpStatus: 503 },
  /** A service of the platform did not answer over HTTP (not running, or not at the address given). */
  SERVICE_UNAVAILABLE: { retryable: true, httpStatus: 503 },
  /** A read model's collection does not exist (dropped, or its first replay still building): no answer can be trusted. */
  READ_MODEL_MISSING: { retryable: true, httpStatus: 503 },
  /** A circuit breaker is open: the dependency behind it is failing, so calls wait instead of piling on. */
  CIRCUIT_OPEN: { retryable: true, httpStatus: 503 },
  /** A system outside the platform failed (5xx, connection refused or reset); the same call may work later. */
  UPSTREAM_FAILED: { retryable: true, httpStatus: 502 },
  /** A system outside the platform refused the request itself (a 4xx that is not a business answer). */
  UPSTREAM_REJECTED: { retryable: false, httpStatus: 502 },
  /** The request is valid but the resource's state does not allow it (for example cancelling a final order). */
  CONFLICT: { retryable: false, httpStatus: 409 },
  RATE_LIMITED: { retryable: true, httpStatus: 429 },
  EVENT_NOT_APPLICABLE: { retryable: false, httpStatus: 500 },
  INTERNAL: { retryable: false, httpStatus: 500 },
} as const satisfies Record<string, { retryable: boolean; httpStatus: number }>;

export type ErrorCode = keyof typeof errorCodes;
