/**
 * drsim's /openapi.json as client developers use it with tools nobody here wrote: openapi-typescript
 * generates the types, openapi-fetch drives the failover flow (./failover-flow.ts) — compiled
 * with `strict` and `exactOptionalPropertyTypes` with 0 errors, then run against a served drsim.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/server/logger.js';
import { type RunningServer, startServer } from '../../src/server/serve.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');

let server: RunningServer;
let dir: string;

beforeAll(async () => {
  server = await startServer({ port: 0, logger: silentLogger });
  dir = mkdtempSync(join(tmpdir(), 'drsim-openapi-fetch-'));
});

afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('openapi-typescript + openapi-fetch', () => {
  it('generate types that the failover flow compiles against with 0 errors (strict, exactOptionalPropertyTypes)', async () => {
    const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as Parameters<
      typeof openapiTS
    >[0];
    const types = astToString(await openapiTS(document));
    writeFileSync(join(dir, 'schema.d.ts'), types);
    copyFileSync(join(HERE, 'failover-flow.ts'), join(dir, 'failover-flow.ts'));
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          strict: true,
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
          skipLibCheck: true,
          noEmit: true,
          types: [],
          lib: ['ES2022', 'DOM'],
        },
        files: ['failover-flow.ts', 'schema.d.ts'],
      }),
    );
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    const result = await new Promise<{ code: number; out: string }>((done) => {
      execFile(
        process.execPath,
        [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir],
        (error, stdout, stderr) => done({ code: error ? 1 : 0, out: stdout + stderr }),
      );
    });
    expect(result.out).toBe('');
    expect(result.code).toBe(0);
  }, 300_000);

  it('drive the failover flow against a served drsim', async () => {
    // Loaded by path: the repository's own tsc skips it (its ./schema.js exists only once generated).
    const flow = join(HERE, 'failover-flow.ts');
    const { failoverFlow } = (await import(flow)) as {
      failoverFlow(baseUrl: string, token: string): Promise<string>;
    };
    expect(await failoverFlow(server.url, 'openapi-fetch')).toBe('INVALID_STATE then COMMITTED');
  });
});
