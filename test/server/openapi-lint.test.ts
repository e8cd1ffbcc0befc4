/**
 * The document passes the linters client developers run on it: redocly (`recommended`) and
 * spectral (`spectral:oas`), with no errors and no warnings but the one written down below. The document is fetched from the
 * app as a client would (its `servers` entry is the origin that served it).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { makeApp } from './helpers.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);

async function documentFile(): Promise<string> {
  const { app } = makeApp();
  const res = await app.request('http://127.0.0.1:4010/openapi.json');
  const file = join(mkdtempSync(join(tmpdir(), 'drsim-openapi-')), 'openapi.json');
  writeFileSync(file, JSON.stringify(await res.json(), null, 2));
  return file;
}

/** Runs a linter; a non-zero exit is fine as long as we get its report. */
async function lint(command: string, args: string[]): Promise<string> {
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
  try {
    return (await run(command, args, { cwd: ROOT, env, maxBuffer: 16 * 1024 * 1024 })).stdout;
  } catch (err) {
    return (err as { stdout?: string }).stdout ?? String(err);
  }
}

/**
 * The 405 answer (with `Allow`) belongs to no operation — a path answers it for every method it
 * does not declare, and OpenAPI has no place for that — so the document declares it as a
 * component referenced from the root extension `x-drsim-method-not-allowed`, which redocly does
 * not follow. Spectral does, and reports nothing.
 */
const REDOCLY_WRITTEN_DOWN = ['no-unused-components: Component: "MethodNotAllowed" is never used.'];

describe('/openapi.json under the linters', () => {
  it('redocly lint (recommended): no errors, only the warning written down', async () => {
    const file = await documentFile();
    const out = await lint(bin('redocly'), [
      'lint',
      file,
      '--config',
      join(ROOT, 'redocly.yaml'),
      '--format',
      'json',
    ]);
    const report = JSON.parse(out.slice(out.indexOf('{'))) as {
      totals: { errors: number; warnings: number };
      problems: { ruleId: string; message: string }[];
    };
    expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual(REDOCLY_WRITTEN_DOWN);
    expect(report.totals).toMatchObject({ errors: 0, warnings: REDOCLY_WRITTEN_DOWN.length });
  }, 60_000);

  it('spectral lint (spectral:oas): no errors, no warnings', async () => {
    const file = await documentFile();
    const out = await lint(bin('spectral'), [
      'lint',
      file,
      '--ruleset',
      join(ROOT, '.spectral.yaml'),
      '--format',
      'json',
      '--quiet',
    ]);
    const results = JSON.parse(out.trim() === '' ? '[]' : out) as {
      code: string;
      message: string;
      path: string[];
    }[];
    expect(results.map((r) => `${r.code}: ${r.message} at ${r.path.join('.')}`)).toEqual([]);
  }, 60_000);
});
