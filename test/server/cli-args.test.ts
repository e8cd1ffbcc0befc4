/** `drsim serve` flags and their DRSIM_* environment variables; the CLI's dispatcher. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { parseServeArgs, UsageError } from '../../src/cli/args.js';
import { COMMANDS, main } from '../../src/cli/main.js';

describe('parseServeArgs', () => {
  it('has defaults', () => {
    expect(parseServeArgs([], {})).toEqual({
      help: false,
      port: 4010,
      host: '127.0.0.1',
      db: ':memory:',
      seed: 1,
      speed: undefined,
      demo: false,
      timeZone: 'Asia/Ho_Chi_Minh',
      logLevel: 'info',
      tokens: undefined,
      adminToken: undefined,
    });
  });

  it('reads flags, and the environment where a flag is missing', () => {
    const env = {
      DRSIM_PORT: '5000',
      DRSIM_SEED: '42',
      DRSIM_DEMO: 'true',
      DRSIM_SPEED: '60',
      DRSIM_ADMIN_TOKEN: 'root',
      DRSIM_HISTORY_RETENTION: '30',
    };
    const args = parseServeArgs(['--port', '0', '--db', 'x.db', '--log-level', 'debug'], env);
    expect(args).toMatchObject({
      port: 0,
      seed: 42,
      demo: true,
      speed: 60,
      db: 'x.db',
      logLevel: 'debug',
      adminToken: 'root',
      historyRetentionDays: 30,
    });
    expect(parseServeArgs(['--history-retention', '7'], env).historyRetentionDays).toBe(7);
  });

  it('takes the zone from --time-zone, else DRSIM_TIME_ZONE, else Asia/Ho_Chi_Minh', () => {
    expect(parseServeArgs(['--time-zone', 'Europe/Berlin'], { DRSIM_TIME_ZONE: 'UTC' }).timeZone).toBe(
      'Europe/Berlin',
    );
    expect(parseServeArgs([], { DRSIM_TIME_ZONE: 'America/New_York' }).timeZone).toBe('America/New_York');
    expect(parseServeArgs([], { DRSIM_TIME_ZONE: '' }).timeZone).toBe('Asia/Ho_Chi_Minh');
    expect(() => parseServeArgs([], { DRSIM_TIME_ZONE: 'Mars/Olympus' })).toThrow(
      /--time-zone "Mars\/Olympus": not an IANA time zone/,
    );
  });

  it('reads tokens from a file and from flags', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'drsim-args-')), 'tokens.json');
    writeFileSync(file, JSON.stringify({ tokens: [{ token: 'a', tenant: 'acme', policy: 'read-only' }] }));
    const args = parseServeArgs(['--tokens', file, '--token', 'b:c:d:globex:full'], {});
    expect(args.tokens).toEqual([
      { token: 'a', tenant: 'acme', policy: 'read-only' },
      { token: 'b:c:d', tenant: 'globex', policy: 'full' },
    ]);
  });

  it('refuses mistakes with a UsageError', () => {
    for (const argv of [
      ['--port', 'x'],
      ['--port', '70000'],
      ['--speed', '0'],
      ['--history-retention', '0'],
      ['--history-retention', '1.5'],
      ['--history-retention', '36601'],
      ['--log-level', 'loud'],
      ['--time-zone', 'Asia/Hanoi City'],
      ['--time-zone', ''],
      ['--token', 'a:b'],
      ['--token', 'a:b:admin'],
      ['--tokens', '/no/such/file.json'],
      ['--unknown'],
      ['positional'],
    ]) {
      expect(() => parseServeArgs(argv, {}), argv.join(' ')).toThrow(UsageError);
    }
  });
});

describe('drsim', () => {
  it('lists its commands with a summary each', async () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await main(['--help'])).toBe(0);
      const text = write.mock.calls.map((call) => String(call[0])).join('');
      const lines = text.split('\n').map((line) => line.trim().split(/\s{2,}/));
      for (const [name, { summary }] of Object.entries(COMMANDS))
        expect(lines).toContainEqual([name, summary]);
    } finally {
      write.mockRestore();
    }
  });

  it('exits 2 on an unknown command or a bad flag', async () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['nope'])).toBe(2);
      expect(await main(['serve', '--port', 'x'])).toBe(2);
      expect(write.mock.calls.map((call) => String(call[0])).join('')).toContain('--port x');
      write.mockClear();
      expect(await main(['serve', '--time-zone', 'Nowhere/Special'])).toBe(2);
      const said = write.mock.calls.map((call) => String(call[0])).join('');
      expect(said).toBe(
        'drsim serve: --time-zone "Nowhere/Special": not an IANA time zone; write e.g. Asia/Ho_Chi_Minh, UTC or Europe/Berlin\n',
      );
    } finally {
      write.mockRestore();
    }
  });
});
