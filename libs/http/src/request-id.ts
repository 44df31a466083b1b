import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';

const acceptable = /^[A-Za-z0-9._-]{1,128}$/;

/** Reuses a caller's X-Request-Id when it is sane, so one id follows a request across systems. */
export const requestId = (): RequestHandler => (req, res, next) => {
  const given = req.get('x-request-id');
  const id = given && acceptable.test(given) ? given : randomUUID();
  res.locals['requestId'] = id;
  res.setHeader('x-request-id', id);
  next();
};
