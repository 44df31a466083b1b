export { closeServer, createHttpApp, listen, runReadinessChecks, type HttpAppOptions, type ReadinessChecks, type ReadinessReport, type ReadinessResult } from './app.ts';
export { errorHandler, notFound, sendError, type ErrorBody } from './errors.ts';
export { requestId } from './request-id.ts';
export { requestTrace } from './request-trace.ts';
export { parseInput, type FieldProblem } from './validation.ts';
export { commandRateLimit, corsPolicy, securityHeaders, type RateLimitOptions } from './protection.ts';
