import { TributaryError } from '@tributary/errors';
import cors from 'cors';
import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import { sendError } from './errors.ts';

/**
 * Security headers for a JSON API: no sniffing, no framing, no referrer, HSTS, and a content
 * security policy that allows nothing, since these services never serve pages.
 */
export const securityHeaders = (): RequestHandler =>
  helmet({
    contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });

/**
 * Cross-origin requests are refused unless their origin is listed: with no list, no CORS header is
 * ever sent, so browsers keep other sites' pages away from the API.
 */
export const corsPolicy = (allowedOrigins: readonly string[]): RequestHandler | undefined =>
  allowedOrigins.length === 0
    ? undefined
    : cors({ origin: [...allowedOrigins], methods: ['GET', 'POST'], allowedHeaders: ['content-type', 'x-request-id'], maxAge: 600 });

export interface RateLimitOptions {
  /** Requests one client may make per window; 0 turns the limit off. */
  limit: number;
  windowMs: number;
}

const limiterFor = ({ limit, windowMs }: RateLimitOptions): RequestHandler =>
  limit <= 0
    ? (_req, _res, next) => {
        next();
      }
    : rateLimit({
        windowMs,
        limit,
        standardHeaders: 'draft-8',
        legacyHeaders: false,
        handler: (_req, res) => {
          sendError(res, new TributaryError('RATE_LIMITED', `Too many commands: at most ${limit} per ${windowMs / 1000} s from one client; retry after the time in Retry-After`));
        },
      });

export interface CommandRateLimit {
  readonly handler: RequestHandler;
  /** Takes a new limit and window (settings reloaded at run time); counting starts afresh. */
  reconfigure(options: RateLimitOptions): void;
}

/**
 * Limits how fast one client (by address) may send commands. The answer past the limit is a 429
 * JSON error with Retry-After, like every other error of the platform.
 */
export const commandRateLimit = (options: RateLimitOptions): CommandRateLimit => {
  // express-rate-limit fixes its window when it is made: a new window takes a new limiter.
  let current = limiterFor(options);
  return {
    handler: (req, res, next) => current(req, res, next),
    reconfigure(next) {
      current = limiterFor(next);
    },
  };
};
