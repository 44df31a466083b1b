import { z } from 'zod';
import type { OperationSpec } from './openapi.ts';

const readiness = z.strictObject({
  status: z.enum(['ready', 'not ready']),
  checks: z.record(z.string(), z.boolean()),
  reasons: z.record(z.string(), z.string()).optional(),
  /** The settings in force: their version, and the settings file they were read from. */
  settings: z.strictObject({ version: z.string(), file: z.string().optional() }).optional(),
});

/** The endpoints createHttpApp gives every service, described like the service's own. */
export const commonOperations: readonly OperationSpec[] = [
  {
    method: 'get',
    path: '/healthz',
    operationId: 'health',
    summary: 'Whether the process is alive',
    responses: { 200: { description: 'Alive', body: z.strictObject({ status: z.literal('alive') }) } },
  },
  {
    method: 'get',
    path: '/readyz',
    operationId: 'readiness',
    summary: 'Whether every dependency can serve',
    responses: { 200: { description: 'Ready', body: readiness }, 503: { description: 'Not ready: each failing check, and where known its reason', body: readiness } },
  },
  {
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    summary: 'Prometheus metrics of this service',
    responses: { 200: { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } } },
  },
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'openApiDocument',
    summary: 'This document: the OpenAPI 3.1 description of the service',
    responses: { 200: { description: 'The OpenAPI document', body: z.looseObject({ openapi: z.string() }) } },
  },
];
