import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { setsYoungGeneration } from '../../src/cli/heap.js';

const HEAP = fileURLToPath(new URL('../../src/cli/heap.ts', import.meta.url));
const MB = 1024 * 1024;

/**
 * A Node process that settles its heap as `drsim serve` does, then allocates in tasks (as
 * requests come) while keeping the last few thousand objects alive, so V8 wants a larger young
 * generation: the largest young generation (V8's `new_space`) it reached, in bytes.
 */
function largestYoungGeneration(nodeFlags: string[]): number {
  const script = `
    import v8 from 'node:v8';
    import { setImmediate as tick } from 'node:timers/promises';
    import { settleHeapForServing } from ${JSON.stringify(HEAP)};
    settleHeapForServing();
    const kept = new Array(20000);
    let largest = 0;
    for (let task = 0; task < 400; task++) {
      for (let i = 0; i < 5000; i++) kept[(task * 5000 + i) % kept.length] = { task, i, text: 'x'.repeat(64) + i };
      largest = Math.max(largest, v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);
      await tick();
    }
    process.stdout.write(String(largest));
  `;
  return Number(
    execFileSync(process.execPath, [...nodeFlags, '--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    }),
  );
}

describe("drsim serve's heap settings", () => {
  it('tell the flags that size the young generation from the rest', () => {
    for (const flags of [
      '--max-semi-space-size=4',
      '--max_semi_space_size 8',
      '--min-semi-space-size=2',
      '--inspect --semi-space-growth-factor=3',
    ])
      expect(setsYoungGeneration(flags), flags).toBe(true);
    for (const flags of ['', '--max-old-space-size=4096', '--inspect', '--heap-growing-percent=30'])
      expect(setsYoungGeneration(flags), flags).toBe(false);
  });

  it("cap the young generation at 16 MB, unless Node's flags size it", () => {
    expect(largestYoungGeneration([])).toBeLessThanOrEqual(16 * MB);
    expect(largestYoungGeneration(['--max-semi-space-size=16'])).toBeGreaterThan(16 * MB);
  }, 60_000);
});
