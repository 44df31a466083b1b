import { TributaryError } from '@tributary/errors';
import type { Express, RequestHandler } from 'express';
import { sendError } from './errors.ts';

interface RouteLayer {
  route?: { path: unknown; methods: Record<string, boolean | undefined>; stack: readonly { handle: unknown }[] };
}

/** The 405 answerers are routes of every method: they are not routes the service answers. */
const wrongMethodAnswerers = new WeakSet<object>();

/** The routes mounted on an app, as `GET /orders/:id`, sorted: what the app really answers. */
export const mountedRoutes = (app: Express): string[] => {
  // express 5 keeps its router's layers in `app.router.stack`; a route layer names its path and methods.
  const { stack } = (app as unknown as { router: { stack: readonly RouteLayer[] } }).router;
  const routes = stack.flatMap(({ route }) =>
    route && typeof route.path === 'string' && !route.stack.every(({ handle }) => typeof handle === 'function' && wrongMethodAnswerers.has(handle))
      ? Object.entries(route.methods)
          .filter(([, on]) => on === true)
          .map(([method]) => `${method.toUpperCase()} ${route.path as string}`)
      : [],
  );
  return [...new Set(routes)].sort();
};

/**
 * A known path asked with a method it does not take answers 405 with Allow, as HTTP says, rather
 * than 404: the path is right, the method is the mistake. Mounted after the service's routes.
 */
export const answerWrongMethods = (app: Express): void => {
  const methodsByPath = new Map<string, Set<string>>();
  for (const route of mountedRoutes(app)) {
    const [method = '', path = ''] = route.split(' ');
    methodsByPath.set(path, (methodsByPath.get(path) ?? new Set()).add(method));
  }
  for (const [path, methods] of methodsByPath) {
    // express answers HEAD with a GET route, and OPTIONS is CORS's preflight.
    const allowed = [...methods, ...(methods.has('GET') ? ['HEAD'] : [])];
    const wrongMethod: RequestHandler = (req, res, next) => {
      if (req.method === 'OPTIONS' || allowed.includes(req.method)) {
        next();
        return;
      }
      res.setHeader('Allow', allowed.join(', '));
      sendError(res, new TributaryError('METHOD_NOT_ALLOWED', `${req.method} is not a method of ${req.path}; it takes ${allowed.join(', ')}`));
    };
    wrongMethodAnswerers.add(wrongMethod);
    app.all(path, wrongMethod);
  }
};
