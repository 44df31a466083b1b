import type { z } from 'zod';
import { jsonSchemaOf } from './json-schema.ts';
import { errorResponses, type ErrorStatus } from './openapi-errors.ts';

/* OpenAPI 3.1 from the zod schemas the routes validate with: never a document written beside them. */

export type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'patch';

export interface ResponseSpec {
  description: string;
  /** The JSON body; absent for an answer in another media type (give `content` then). */
  body?: z.ZodType;
  /** A body that is not JSON, by media type (Prometheus text, for example). */
  content?: Record<string, { schema: Record<string, unknown> }>;
  headers?: Record<string, { description: string; schema: z.ZodType }>;
}

export interface OperationSpec {
  method: HttpMethod;
  /** The express path, as the route is mounted: `/orders/:id`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  /** Path parameters: the schema the route parses req.params with. */
  params?: z.ZodObject;
  /** Query parameters: the schema the route parses req.query with. */
  query?: z.ZodObject;
  /** Request headers the route reads, by lower-case name. */
  headers?: z.ZodObject;
  body?: z.ZodType;
  /** False for an optional body (a cancellation's reason). */
  bodyRequired?: boolean;
  responses: Record<number, ResponseSpec>;
  /** The error answers the route can give; each is documented with the platform's error body. */
  errors?: readonly ErrorStatus[];
}

export interface ApiDescription {
  title: string;
  version: string;
  description?: string;
  operations: readonly OperationSpec[];
}

type JsonObject = Record<string, unknown>;

/** `/orders/:id` as OpenAPI writes it, `/orders/{id}`. */
export const openApiPath = (expressPath: string): string => expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

const parametersOf = (schema: z.ZodObject | undefined, where: 'path' | 'query' | 'header'): JsonObject[] => {
  if (!schema) return [];
  const json = jsonSchemaOf(schema, 'input');
  const properties = (json['properties'] ?? {}) as Record<string, JsonObject>;
  const required = new Set((json['required'] ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: where,
    // A path parameter is always required in OpenAPI, whatever the schema says.
    required: where === 'path' || required.has(name),
    ...(typeof property['description'] === 'string' ? { description: property['description'] } : {}),
    schema: property,
  }));
};

const responseOf = ({ description, body, content, headers }: ResponseSpec): JsonObject => ({
  description,
  ...(headers ? { headers: Object.fromEntries(Object.entries(headers).map(([name, header]) => [name, { description: header.description, schema: jsonSchemaOf(header.schema, 'output') }])) } : {}),
  ...(body ? { content: { 'application/json': { schema: jsonSchemaOf(body, 'output') } } } : content ? { content } : {}),
});

const operationOf = (spec: OperationSpec): JsonObject => {
  const parameters = [...parametersOf(spec.params, 'path'), ...parametersOf(spec.query, 'query'), ...parametersOf(spec.headers, 'header')];
  const responses = Object.fromEntries(Object.entries(spec.responses).map(([status, response]) => [status, responseOf(response)]));
  return {
    operationId: spec.operationId,
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(spec.body ? { requestBody: { required: spec.bodyRequired ?? true, content: { 'application/json': { schema: jsonSchemaOf(spec.body, 'input') } } } } : {}),
    responses: { ...responses, ...errorResponses(spec.errors ?? []) },
  };
};

/** The OpenAPI 3.1 document of an API, with its operations in the order given. */
export const openApiDocument = ({ title, version, description, operations }: ApiDescription): JsonObject => {
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const spec of operations) {
    const path = (paths[openApiPath(spec.path)] ??= {});
    path[spec.method] = operationOf(spec);
  }
  return { openapi: '3.1.1', info: { title, version, ...(description ? { description } : {}) }, paths };
};

/** Every method and express path the document names, as `GET /orders/:id`, sorted. */
export const documentedRoutes = (operations: readonly OperationSpec[]): string[] => operations.map((spec) => `${spec.method.toUpperCase()} ${spec.path}`).sort();
