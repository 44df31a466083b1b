import { z } from 'zod';

/**
 * A zod schema as a JSON Schema 2020-12 object to embed in an OpenAPI 3.1 document (whose schema
 * objects are that dialect, so the document names it once rather than each schema). Requests are
 * described by what a schema accepts (io 'input': a default makes a field optional, a transform's
 * input side is what is sent), answers by what it gives (io 'output').
 */
export const jsonSchemaOf = (schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> => {
  // 'any': a refinement or transform JSON Schema cannot say is left to the route's own check.
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
  return rest;
};
