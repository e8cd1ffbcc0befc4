/**
 * Runs a list of middleware the way hono's compose does — in order, each layer's error turned
 * into the answer by the error handler at that layer, so the layers around it carry on with that
 * answer — without an async frame per layer. hono's compose wraps every layer in an async
 * function and awaits it; most of drsim's layers only check something and hand on (`return
 * next()`), and with a dozen of them (the app's cross-cutting ones, then a route's permission
 * check and validators) those frames, their promises and the microtask turns they take were a
 * share of every request of their own (docs/performance.md). Here a layer that returns its
 * next's promise is that promise: nothing is added for it.
 */
import type { Context, ErrorHandler, MiddlewareHandler, Next } from 'hono';

export type Layer = MiddlewareHandler;

/**
 * Runs `layers` from `from` on, then `next`. What hono's compose does per layer, this does too:
 * a layer's thrown or rejected Error is given to `onError`, whose answer becomes the response
 * (anything else thrown, or an error `onError` throws again, goes on to the layers around it); a
 * layer that resolves to a value while nothing has answered yet makes it the response; next()
 * twice is an error.
 */
export function runLayers(
  layers: readonly Layer[],
  c: Context,
  next: Next,
  onError: ErrorHandler,
  from = 0,
): Promise<void> {
  const layer = layers[from];
  if (!layer) return next();
  let inner: Promise<void> | undefined;
  const nextLayer = (): Promise<void> => {
    if (inner) return Promise.reject(new Error('next() called multiple times'));
    inner = runLayers(layers, c, next, onError, from + 1);
    return inner;
  };
  let out: unknown;
  try {
    out = layer(c, nextLayer);
  } catch (err) {
    return fail(c, err, onError);
  }
  // A layer that only handed on: the rest of the chain's promise, which rejects only with what
  // the error handler threw again, as it would through compose.
  if (out === inner && inner !== undefined) return inner;
  if (out instanceof Promise) {
    return out.then(
      (res: unknown) => answer(c, res),
      (err: unknown) => fail(c, err, onError),
    );
  }
  answer(c, out);
  return Promise.resolve();
}

function answer(c: Context, res: unknown): void {
  if (res && c.finalized === false) c.res = res as Response;
}

async function fail(c: Context, err: unknown, onError: ErrorHandler): Promise<void> {
  if (!(err instanceof Error)) throw err;
  c.error = err;
  const res = await onError(err, c);
  if (res) c.res = res;
}
