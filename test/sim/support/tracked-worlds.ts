// Worlds and temporary database folders a test file opens, closed and removed after each test:
// a registry left open holds its file's exclusive lock for the next test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { createWorlds, type Worlds } from '../../../src/sim/index.js';

export function trackedWorlds(prefix: string) {
  let open: Worlds[] = [];
  let dirs: string[] = [];
  afterEach(() => {
    for (const worlds of open) worlds.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    open = [];
    dirs = [];
  });
  return {
    worldsOf(options: Parameters<typeof createWorlds>[0] = {}): Worlds {
      const worlds = createWorlds(options);
      open.push(worlds);
      return worlds;
    },
    /** A database file in a fresh folder of its own. */
    tempDb(): string {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      dirs.push(dir);
      return join(dir, 'drsim.db');
    },
  };
}
