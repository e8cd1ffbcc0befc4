/**
 * The commands as CI runs them (`node bin/drsim.js ...`, not a terminal): exit codes, the
 * reports they write, a failure's reproduce command replaying the same failure, --shard and
 * --repeat from the command line, and --help for every command.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchTarget } from '../../src/cli/commands/run.js';
import { loadScenarios } from '../../src/scenarios/discover.js';
import { planRuns } from '../../src/scenarios/plan.js';
import { runAll } from '../../src/scenarios/runner.js';
import { remoteTarget } from '../../src/scenarios/targets.js';
import { createLogger } from '../../src/server/logger.js';
import { type RunningServer, startServer } from '../../src/server/serve.js';
import { cli, ROOT, tempDir, withSteps, writeTemp } from './helpers.js';
import { parseXml } from './xml.js';

const PASSING = `# yaml-language-server: $schema=../schemas/scenario.schema.json
${withSteps('  - expectStatus: REPLICATING\n  - failover: { recoveryPoint: latest }\n  - waitForJob: previous\n  - expectStatus: FAILED_OVER\n')}`;
const FAILING = withSteps(
  '  - failover: { recoveryPoint: latest }\n  - waitForJob: previous\n  - expectStatus: COMMITTED\n',
);
const INVALID = withSteps('  - falover: { recoveryPoint: latest }\n');

describe('drsim run', () => {
  const dir = tempDir();
  const passing = writeTemp(dir, 'passing.scenario.yaml', PASSING);
  const failing = writeTemp(dir, 'failing.scenario.yaml', FAILING);
  const invalid = writeTemp(dir, 'invalid.scenario.yaml', INVALID);

  it('exit 0 when every run passes, 1 when one fails, 2 when a file is invalid', async () => {
    const [ok, bad, broken] = await Promise.all([
      cli(['run', passing]),
      cli(['run', failing]),
      cli(['run', passing, invalid]),
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^✓ .*passing\.scenario\.yaml — test \(seed 5, (\d+ms|\d+\.\d+s)\)$/m);
    expect(ok.stdout).toMatch(/^1 passed \(1 runs, .*, in-process\)$/m);

    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('step 3 (expectStatus) at ');
    expect(bad.stdout).toMatch(/failing\.scenario\.yaml:\d+, seed 5, target in-process/);
    expect(bad.stdout).toContain('expected: pair "web" status COMMITTED');
    expect(bad.stdout).toContain('found:    pair "web" status FAILED_OVER');
    expect(bad.stdout).toContain('last events:');

    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(
      /invalid\.scenario\.yaml:\d+:5: steps\[0\]: unknown step "falover"\. Did you mean "failover"\?/,
    );
    expect(broken.stdout).toBe('');
  });

  it("a failure's reproduce command replays exactly that failure", async () => {
    const first = await cli(['run', failing, '--seed', '77']);
    const reproduce = /reproduce: (.*)$/m.exec(first.stdout)?.[1] ?? '';
    expect(reproduce).toMatch(/^npx drsim run \S+failing\.scenario\.yaml --seed 77$/);
    const again = await cli(reproduce.split(' ').slice(2));
    const stable = (out: string) => out.replace(/\b\d+(\.\d+)?m?s\b/g, 'T');
    expect(stable(again.stdout)).toBe(stable(first.stdout));
    expect(again.code).toBe(1);
  });

  it('writes JUnit to --out while the progress goes to the terminal, JSON to stdout; --bail stops early', async () => {
    const out = `${dir}/junit.xml`;
    const [junit, json, bail] = await Promise.all([
      cli(['run', passing, failing, '--reporter', 'junit', '--out', out]),
      cli(['run', passing, failing, '--reporter', 'json']),
      cli(['run', passing, failing, '--bail']),
    ]);
    // Runs go in file order: "failing" comes first, and --bail stops there; the rest is skipped.
    expect(bail.code).toBe(1);
    expect(bail.stdout).toContain('0 passed, 1 failed, 1 skipped (2 runs, ');
    expect(bail.stdout).toMatch(
      /^- .*passing\.scenario\.yaml — test \(seed 5, skipped: an earlier failure stopped the run\)$/m,
    );
    expect(junit.code).toBe(1);
    expect(junit.stdout).toContain('1 passed, 1 failed');
    const root = parseXml(readFileSync(out, 'utf8'));
    expect(root.attrs).toMatchObject({ tests: '2', failures: '1' });

    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report.summary).toMatchObject({ runs: 2, passed: 1, failed: 1 });
    expect(json.stderr).toContain('1 passed, 1 failed');
  });

  it('--shard splits the library deterministically and --repeat derives seeds', async () => {
    const [all, first, second, repeated] = await Promise.all([
      cli(['run', '--list']),
      cli(['run', '--list', '--shard', '1/2']),
      cli(['run', '--list', '--shard', '2/2']),
      cli(['run', 'scenarios/chaos', '--list', '--repeat', '3']),
    ]);
    const lines = (out: string) => out.trim().split('\n');
    expect(lines(all.stdout).length).toBeGreaterThanOrEqual(30);
    expect([...lines(first.stdout), ...lines(second.stdout)].sort()).toEqual(lines(all.stdout).sort());
    expect(lines(first.stdout).filter((l) => lines(second.stdout).includes(l))).toEqual([]);
    const chaos = lines(repeated.stdout);
    expect(chaos.length % 3).toBe(0);
    expect(new Set(chaos.map((l) => l.split('\t')[1])).size).toBeGreaterThanOrEqual(3);
    expect((await cli(['run', '--list', '--shard', '1/2'])).stdout).toBe(first.stdout);
  });

  describe('--target', () => {
    const TOKENS = [
      { token: 'ci-secret-1', tenant: 'acme', policy: 'full' as const },
      { token: 'ro-secret-2', tenant: 'acme', policy: 'read-only' as const },
    ];
    let server: RunningServer;
    beforeAll(async () => {
      server = await startServer({
        port: 0,
        seed: 3,
        tokens: TOKENS,
        adminToken: 'admin-secret-3',
        logger: createLogger('error', () => {}),
      });
    });
    afterAll(() => server?.close());

    it('runs each scenario in a tenant of its own; the reproduce command names no secret', async () => {
      const reports = join(dir, 'target-report.json');
      const result = await cli([
        'run',
        passing,
        failing,
        '--target',
        server.url,
        '--token',
        'ci-secret-1',
        '--reporter',
        'json',
        '--out',
        reports,
      ]);
      expect(result.code).toBe(1);
      const report = readFileSync(reports, 'utf8');
      for (const text of [result.stdout, result.stderr, report]) {
        for (const secret of ['ci-secret-1', 'ro-secret-2', 'admin-secret-3', 'drsim_eph_'])
          expect(text).not.toContain(secret);
      }
      expect(report).toMatch(
        new RegExp(
          `"reproduce": "npx drsim run \\S+failing\\.scenario\\.yaml --seed 5 --target ${server.url}"`,
        ),
      );
      // The token's own world was never made; the runs' tenants are gone.
      expect(server.worlds.list()).toEqual([]);

      // The printed command reproduces the failure with the token from the environment.
      const again = await cli(['run', failing, '--seed', '5', '--target', server.url], {
        DRSIM_TOKEN: 'ci-secret-1',
      });
      expect(again.code).toBe(1);
      expect(again.stdout).toContain('0 passed, 1 failed');
    });

    it('refuses, before running anything, a token the server does not take or that cannot create tenants', async () => {
      const unknown = await cli(['run', passing, '--target', server.url, '--token', 'guess']);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain('the server refused the token: 401 UNAUTHORIZED');
      const readOnly = await cli(['run', passing, '--target', server.url, '--token', 'ro-secret-2']);
      expect(readOnly.code).toBe(2);
      expect(readOnly.stderr).toContain('read-only policy');
      const lifted = await cli([
        'run',
        passing,
        '--target',
        server.url,
        '--token',
        'ro-secret-2',
        '--admin-token',
        'admin-secret-3',
      ]);
      expect(lifted.code).toBe(0);
      const kept = await cli(['run', passing, '--target', server.url, '--keep'], {
        DRSIM_TOKEN: 'ci-secret-1',
      });
      expect(kept.code).toBe(0);
      const tenant = /kept tenant (\S+)/.exec(kept.stderr)?.[1];
      expect(server.worlds.list().map((w) => w.tenant)).toEqual([tenant]);
    });
  });

  it('bad options are usage errors (exit 2)', async () => {
    const results = await Promise.all([
      cli(['run', '--shard', '5/4']),
      cli(['run', '--reporter', 'xml']),
      cli(['run', '--target', 'http://x']),
    ]);
    for (const r of results) expect(r.code).toBe(2);
    expect(results[0]?.stderr).toContain('--shard 5/4: expected K/N');
  });
});

describe('flow tools', () => {
  it('check-flow: 0 valid, 1 diverges, 2 unreadable', async () => {
    const [valid, diverges, unreadable] = await Promise.all([
      cli(['check-flow', 'scenarios/flows/failover-with-retry.flow.yaml']),
      cli(['check-flow', 'test/scenarios/fixtures/commit-too-early.flow.yaml']),
      cli(['check-flow', 'test/scenarios/fixtures/unknown-word.flow.yaml']),
    ]);
    expect(valid.code).toBe(0);
    expect(valid.stdout).toMatch(/valid — 24 steps, ending Committed \(COMMITTED\)\.$/m);
    expect(diverges.code).toBe(1);
    expect(diverges.stdout).toMatch(
      /commit-too-early\.flow\.yaml:6: the flow diverges from the statechart: Commit Failover \("commitFailover"\) is not allowed/,
    );
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toContain(
      ':3:5: "succeed" is not a user action, an outcome or a status. Did you mean "succeeds"?',
    );
  });

  it('paths, chart and coverage', async () => {
    const [paths, chart, coverage] = await Promise.all([
      cli(['paths', '--to', 'COMMITTED', '--max-depth', '6']),
      cli(['chart', '--format', 'json']),
      cli(['coverage', 'scenarios/failover/latest-and-commit.scenario.yaml']),
    ]);
    expect(paths.code).toBe(0);
    expect(paths.stdout).toContain('- [ ] 1. **startReplication**');
    expect(JSON.parse(chart.stdout).states.length).toBeGreaterThan(10);
    expect(coverage.code).toBe(0);
    expect(coverage.stdout).toMatch(/\| `FAILED_OVER` \| Failed Over \| 1 \|/);
    expect(coverage.stdout).toMatch(/States with no scenario: .*`DETACHED`/);
  });

  it('every command has --help', async () => {
    const commands = ['run', 'chart', 'paths', 'check-flow', 'coverage'];
    const results = await Promise.all(commands.map((command) => cli([command, '--help'])));
    results.forEach((result, i) => {
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^Usage: drsim ${commands[i]}`));
    });
  });
});

/** A port nothing listens on: one the system just gave out and took back. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

describe('drsim run: exit codes and reports CI can rely on', () => {
  const dir = tempDir();
  const passing = writeTemp(dir, 'passing.scenario.yaml', PASSING);
  const failing = writeTemp(dir, 'failing.scenario.yaml', FAILING);

  it('--no-timing: the same seed writes byte-identical JSON and JUnit; another seed another fingerprint', async () => {
    const args = (seed: string, reporter: string) => [
      'run',
      passing,
      '--seed',
      seed,
      '--no-timing',
      '--reporter',
      reporter,
    ];
    const [json1, json2, junit1, junit2, other] = await Promise.all([
      cli(args('9', 'json')),
      cli(args('9', 'json')),
      cli(args('9', 'junit')),
      cli(args('9', 'junit')),
      cli(args('10', 'json')),
    ]);
    expect(json1.stdout).toBe(json2.stdout);
    expect(junit1.stdout).toBe(junit2.stdout);
    expect(json1.stdout).not.toContain('durationMs');
    expect(junit1.stdout).not.toContain('time=');
    const fingerprint = (out: string) => JSON.parse(out).results[0].fingerprint;
    expect(fingerprint(json1.stdout)).toMatch(/^sha256:/);
    expect(fingerprint(other.stdout)).not.toBe(fingerprint(json1.stdout));
    expect(junit1.stdout).toContain(`<property name="fingerprint" value="${fingerprint(json1.stdout)}"/>`);
  });

  it('exit 2 with one clear error: --grep matching nothing, an unreachable target, a seed out of range', async () => {
    const port = await freePort();
    const [grep, unreachable, seed] = await Promise.all([
      cli(['run', passing, '--grep', 'no-such-scenario']),
      cli(['run', passing, failing, '--target', `http://127.0.0.1:${port}`, '--token', 't']),
      cli(['run', passing, '--seed', '4294967296']),
    ]);
    expect(grep.code).toBe(2);
    expect(grep.stderr).toContain('--grep "no-such-scenario" matches none of the 1 scenario(s)');
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr.trim().split('\n')).toEqual([
      `drsim run: --target http://127.0.0.1:${port} does not answer (ECONNREFUSED); nothing was run.`,
    ]);
    expect(unreachable.stdout).toBe('');
    expect(seed.code).toBe(2);
    expect(seed.stderr).toContain('--seed 4294967296: expected a whole number from 0 to 4294967295');
  });

  it('--out creates its folder; --bail records the runs it skipped; invalidFiles counts files', async () => {
    const out = `${dir}/nested/deeper/report.json`;
    const bad = writeTemp(dir, 'two-problems.scenario.yaml', withSteps('  - falover: 1\n  - advnce: 1h\n'));
    const [bail, invalid] = await Promise.all([
      cli(['run', passing, failing, '--bail', '--reporter', 'json', '--out', out]),
      cli(['run', bad, passing, '--reporter', 'json']),
    ]);
    expect(bail.code).toBe(1);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.summary).toMatchObject({ runs: 2, passed: 0, failed: 1, skipped: 1 });
    expect(report.results.map((r: { status: string }) => r.status)).toEqual(['failed', 'skipped']);
    expect(invalid.code).toBe(2);
    expect(JSON.parse(invalid.stdout).summary).toMatchObject({ invalidFiles: 1, problems: 2, runs: 0 });
    expect(invalid.stderr).toContain('2 problem(s) in 1 scenario file(s); nothing was run.');
  });

  it('piping into a reader that stops early is not an error', async () => {
    const result = await new Promise<{ stdout: string; stderr: string }>((resolve) => {
      execFile(
        'bash',
        ['-c', 'node bin/drsim.js run --list --repeat 300 | head -n 1; echo "exit $' + '{PIPESTATUS[0]}"'],
        { cwd: ROOT, env: { ...process.env, CI: '1' } },
        (_error, stdout, stderr) => resolve({ stdout, stderr }),
      );
    });
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^scenarios\/.*\nexit 0\n$/);
  });
});

describe('a target that stops answering mid-run', () => {
  it('stops the run: the run that met it failed, the rest skipped, and the reason is known', async () => {
    const server = await startServer({ port: 0, seed: 3, logger: createLogger('error', () => {}) });
    const { scenarios } = loadScenarios([`${ROOT}scenarios/failover`]);
    const units = planRuns(scenarios).slice(0, 4);
    const watch = watchTarget(server.url);
    const results = await runAll(units, remoteTarget({ url: server.url, token: 'gone' }), {
      stopAfter: watch.stopAfter,
      onStart: (_unit, index) => {
        if (index === 1) void server.close();
      },
    });
    expect(results.map((r) => r.status)).toEqual(['passed', 'failed', 'skipped', 'skipped']);
    expect(watch.reason()).toBe('ECONNREFUSED');
  });
});
