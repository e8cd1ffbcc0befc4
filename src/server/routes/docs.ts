/**
 * `GET /openapi.json` (OpenAPI 3.1, generated from the same route declarations that validate
 * requests) and `/docs`, Swagger UI served from the installed swagger-ui-dist package, so the
 * page works offline and loads nothing from a CDN.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Hono } from 'hono';
import type { AppEnv } from '../app-env.js';
import type { DocumentConfig, LazyApi } from './lazy.js';

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>drsim API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
`;

const INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true });\n`;

const DESCRIPTION = `A deterministic fake of a cloud Server Disaster Recovery service.

Public API under \`/v1\`: a bearer token names the tenant (and its policy, full or read-only).
Control API under \`/_sim\` for tests: the clock, faults, chaos, snapshots, the request journal.
Errors are RFC 9457 problem documents with a stable \`code\`. Every response carries the
simulated time in \`X-Drsim-Time\`. See docs/api.md.`;

/** The document's top level; its paths and components come from the route declarations. */
export const DOCUMENT: DocumentConfig = {
  openapi: '3.1.0',
  info: {
    title: 'drsim',
    version: '1',
    description: DESCRIPTION,
    license: { name: 'MIT', url: 'https://opensource.org/license/mit' },
    contact: { name: 'drsim', url: 'https://www.npmjs.com/package/drsim' },
  },
  security: [{ bearerToken: [] }],
  // OpenAPI has no place for the answer to a method a path does not declare; say it here.
  'x-drsim-method-not-allowed': { $ref: '#/components/responses/MethodNotAllowed' },
  tags: [
    { name: 'Servers', description: "The tenant's servers, their power and their files." },
    {
      name: 'DR pairs',
      description: 'Attaching servers, and reading pairs, recovery points, history and jobs.',
    },
    {
      name: 'DR pair actions',
      description: 'Replication, test failover, failover and commit: each starts a job (202).',
    },
    { name: 'Jobs', description: 'Following the job an action started.' },
    {
      name: 'Regions',
      description:
        'The region catalogue: VPCs, subnets, security groups, placement groups, volume types, flavors.',
    },
    {
      name: 'Account',
      description:
        "The tenant's account (postpaid, or prepaid with a credit balance) and what its DR pairs cost per day.",
    },
    {
      name: 'Control (/_sim)',
      description:
        'For tests: the clock, job progression, faults, HTTP chaos, snapshots, state, checks and the request journal.',
    },
  ],
};

export function registerDocsRoutes(app: Hono<AppEnv>, api: LazyApi): void {
  app.get('/openapi.json', async (c) => {
    const document = await api.document(DOCUMENT);
    // The server that answers is the one to call: a generator or a proxy needs no guess.
    const origin = new URL(c.req.url).origin;
    return c.json({ ...document, servers: [{ url: origin, description: 'This drsim server.' }] });
  });

  const root = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const cache = new Map<string, Uint8Array<ArrayBuffer>>();
  app.get('/docs', (c) => c.html(PAGE));
  app.get('/docs/init.js', (c) => c.body(INIT, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }));
  app.get('/docs/assets/:file', (c) => {
    const file = c.req.param('file');
    const type = ASSETS[file];
    if (!type) return c.notFound();
    let bytes = cache.get(file);
    if (!bytes) {
      bytes = new Uint8Array(readFileSync(join(root, file)));
      cache.set(file, bytes);
    }
    return c.body(bytes, 200, { 'Content-Type': type, 'Cache-Control': 'public, max-age=86400' });
  });
}
