/**
 * The OpenAPI document is generated from the same declarations that validate requests: every
 * route the app serves is in it with its operation id, and /docs renders it from local assets.
 */
import { describe, expect, it } from 'vitest';
import { makeApp } from './helpers.js';

const OPERATION_IDS = [
  'DrPairAttachServer',
  'DrPairStartReplication',
  'DrPairStopReplication',
  'DrPairResumeReplication',
  'DrPairRestartReplication',
  'DrPairTestFailover',
  'DrPairChangeTestRecoveryPoint',
  'DrPairChangeRecoveryPoint',
  'DrPairCleanTestEnvironment',
  'DrPairFailover',
  'DrPairCommitFailover',
  'DrPairDetachServer',
  'ListDrPairs',
  'GetDrPair',
  'GetDrPairHistory',
  'GetDrPairRecoveryPoints',
  'GetDrPairRecoveryPointFiles',
  'ListDrPairJobs',
  'GetJob',
  'CreateServer',
  'ListServers',
  'GetServer',
  'ListServerFiles',
  'GetServerFile',
  'PutServerFile',
  'StartServer',
  'StopServer',
];

type Operation = { operationId?: string; responses: Record<string, unknown>; security?: unknown[] };

async function openapi() {
  const { app } = makeApp();
  const res = await app.request('/openapi.json');
  expect(res.status).toBe(200);
  const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, Operation>> };
  return { app, doc };
}

describe('/openapi.json', () => {
  it('is OpenAPI 3.1 with every operation of the service', async () => {
    const { doc } = await openapi();
    expect(doc.openapi).toBe('3.1.0');
    const ids = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    expect(ids).toEqual(expect.arrayContaining(OPERATION_IDS));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('lists every route the app serves, with an operation id and its problem responses', async () => {
    const { app, doc } = await openapi();
    const served = app.routes
      .filter(
        (route) => route.method !== 'ALL' && (route.path.startsWith('/v1') || route.path.startsWith('/_sim')),
      )
      .map((route) => `${route.method.toLowerCase()} ${route.path.replace(/:(\w+)(\{[^}]*\})?/g, '{$1}')}`)
      // The rest-of-the-URL file alias is served but not documented (OpenAPI cannot say it).
      .filter((route) => !route.endsWith('/files/{path}'));
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).map((m) => `${m} ${path}`),
    );
    expect(new Set(served)).toEqual(new Set(documented));
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        expect(op.operationId, `${method} ${path}`).toEqual(expect.any(String));
        if (path !== '/_sim/health') expect(Object.keys(op.responses), `${method} ${path}`).toContain('401');
        if (path.startsWith('/v1'))
          expect(Object.keys(op.responses), `${method} ${path}`).toEqual(
            expect.arrayContaining(['429', '503']),
          );
      }
    }
    expect(doc.paths['/v1/servers/{id}/file']).toBeDefined();
    expect(doc.paths['/_sim/health']?.get?.security).toEqual([]);
  });
});

describe('/docs', () => {
  it('renders Swagger UI from the package, no CDN', async () => {
    const { app } = makeApp();
    const page = await app.request('/docs');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toMatch(/https?:\/\//);
    for (const src of html.match(/(?:href|src)="([^"]+)"/g) ?? []) {
      const url = src.replace(/^(?:href|src)="|"$/g, '');
      const asset = await app.request(url);
      expect(asset.status, url).toBe(200);
      await asset.arrayBuffer();
    }
    expect((await app.request('/docs/assets/package.json')).status).toBe(404);
  });
});
