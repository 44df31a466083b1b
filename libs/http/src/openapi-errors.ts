import { errorCodes, type ErrorCode } from '@tributary/errors';
import { z } from 'zod';
import { jsonSchemaOf } from './json-schema.ts';

/** The body of every error answer (sendError writes it); its code is one of libs/errors' list. */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(errorCodes) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      requestId: z.string().optional(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .meta({ description: 'An error: a code from one list, a message saying what to do, the request id the logs repeat' });

const errorStatuses = {
  400: 'The request is invalid: details.fields names each bad field (or the body is not JSON)',
  404: 'Not found',
  405: 'The path exists but not with this method: Allow lists the methods it takes',
  409: 'The request conflicts with the state of the resource',
  413: 'The body is larger than the service accepts',
  422: 'Refused: the request is valid but will never be accepted',
  429: 'Too many requests from this client: retry after the time in Retry-After',
  503: 'A dependency is unavailable: retry after the time in Retry-After',
} as const;

export type ErrorStatus = keyof typeof errorStatuses;

const retryAfter = { 'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'string', pattern: '^[0-9]+$' } } };

/** The documented error answers, each with the error body; 429 and 503 always carry Retry-After. */
export const errorResponses = (statuses: readonly ErrorStatus[]): Record<string, unknown> => {
  const schema = jsonSchemaOf(errorBodySchema, 'output');
  return Object.fromEntries(
    statuses.map((status) => [
      String(status),
      {
        description: errorStatuses[status],
        ...(status === 429 || status === 503 ? { headers: retryAfter } : status === 405 ? { headers: { Allow: { description: 'The methods this path takes', schema: { type: 'string' } } } } : {}),
        content: { 'application/json': { schema } },
      },
    ]),
  );
};
