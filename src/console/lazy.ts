/**
 * The console mounted without loading it: its routes are declared here, and the first request
 * to any of them imports the console (its pages, components and assets) and hands the request
 * to the real handler with the same context. `drsim serve` and `startDrsim()` answer their first
 * request without compiling a line of the console (docs/performance.md).
 */
import { type Handler, Hono } from 'hono';
import type { ConsoleOptions } from './index.js';

/** Every route of `consoleApp`, all GET; test/server/console-mount.test.ts checks the two lists agree. */
export const CONSOLE_PATHS = [
  '/assets/:file',
  '/live',
  '/',
  '/rows',
  '/pairs/:id',
  '/simulation',
  '/lifecycle',
];

export function lazyConsoleApp(options: ConsoleOptions): Hono {
  const app = new Hono();
  let handlers: Promise<Map<string, Handler>> | undefined;
  const load = () =>
    import('./index.js').then(({ consoleApp }) => {
      const real = consoleApp(options);
      return new Map(real.routes.filter((route) => route.method === 'GET').map((r) => [r.path, r.handler]));
    });
  for (const path of CONSOLE_PATHS) {
    app.get(path, async (c, next) => {
      handlers ??= load();
      const handler = (await handlers).get(path);
      if (!handler) throw new Error(`the console has no route GET ${path}`);
      return handler(c, next);
    });
  }
  return app;
}
