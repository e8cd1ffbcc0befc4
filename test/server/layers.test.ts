/**
 * The app's cross-cutting layers and each route's handlers run through `runLayers`
 * (src/server/layers.ts) instead of hono's compose. For any list of layers — ones that hand on,
 * wrap the rest, answer, or fail before or after the rest — a request must see the same effects
 * in the same order and get the same answer as through hono's own composition.
 */
import fc from 'fast-check';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { describe, expect, it } from 'vitest';
import { runLayers } from '../../src/server/layers.js';

type Kind = 'pass' | 'around' | 'throw' | 'reject' | 'throwAfter' | 'answer' | 'answerAsync' | 'headerAfter';
const KINDS: Kind[] = [
  'pass',
  'around',
  'throw',
  'reject',
  'throwAfter',
  'answer',
  'answerAsync',
  'headerAfter',
];

function layer(kind: Kind, i: number, log: string[]): MiddlewareHandler {
  switch (kind) {
    case 'pass':
      return (_c, next) => {
        log.push(`${i} pass`);
        return next();
      };
    case 'around':
      return async (c, next) => {
        log.push(`${i} before`);
        await next();
        log.push(`${i} after ${c.res.status}`);
      };
    case 'throw':
      return () => {
        log.push(`${i} throw`);
        throw new Error(`layer ${i}`);
      };
    case 'reject':
      return async () => {
        log.push(`${i} reject`);
        throw new Error(`layer ${i}`);
      };
    case 'throwAfter':
      return async (_c, next) => {
        await next();
        log.push(`${i} throw after`);
        throw new Error(`layer ${i} after`);
      };
    case 'answer':
      // Not async: answers without a promise, as a plain function may.
      return ((c: Context) => {
        log.push(`${i} answer`);
        return c.text(`layer ${i}`, 202);
      }) as unknown as MiddlewareHandler;
    case 'answerAsync':
      return async (c) => {
        log.push(`${i} answer`);
        await Promise.resolve();
        return c.text(`layer ${i}`, 203);
      };
    case 'headerAfter':
      return async (c, next) => {
        await next();
        c.res.headers.set(`x-layer-${i}`, String(c.res.status));
      };
  }
}

async function serve(kinds: Kind[], routeFails: boolean, together: boolean) {
  const log: string[] = [];
  const app = new Hono();
  const onError = (err: Error, c: Parameters<MiddlewareHandler>[0]) => {
    log.push(`onError ${err.message}`);
    return c.text(`failed: ${err.message}`, 500, { 'x-failed': err.message });
  };
  const layers = kinds.map((kind, i) => layer(kind, i, log));
  if (together) app.use((c, next) => runLayers(layers, c, next, onError));
  else for (const l of layers) app.use(l);
  app.get('/thing', (c) => {
    log.push('route');
    if (routeFails) throw new Error('route');
    return c.text('route', 200, { 'x-route': 'yes' });
  });
  app.onError(onError);
  const res = await app.request('/thing');
  return { status: res.status, body: await res.text(), headers: [...res.headers], log };
}

describe('runLayers', () => {
  it('has the effects and the answer of hono’s composition of the same layers', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...KINDS), { maxLength: 8 }),
        fc.boolean(),
        async (kinds, routeFails) => {
          expect(await serve(kinds, routeFails, true)).toEqual(await serve(kinds, routeFails, false));
        },
      ),
    );
  });
});
