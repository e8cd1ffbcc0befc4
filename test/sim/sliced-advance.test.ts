// A sliced advance (how the server advances, between other requests) ends in the same state as
// one advance, byte for byte, whatever the slice sizes: also when a slice stops at the target's
// day start, where the history is pruned.
import { describe, expect, it } from 'vitest';
import { createSimulator } from '../../src/sim/index.js';

function world() {
  const sim = createSimulator({ seed: 3, historyRetentionDays: 2 });
  for (let i = 0; i < 2; i++) {
    const server = sim.createServer('alice', { name: `web-0${i}`, region: 'HCM-3' });
    sim.setWorkload('alice', server.id, 1);
    const pair = sim.attach('alice', {
      mainServerId: server.id,
      shadow: { region: 'HAN-1', vpcId: 'vpc-dr', subnetId: 'subnet-dr-a' },
    });
    sim.act('alice', pair.id, { action: 'startReplication', shadowName: `web-0${i}-dr`, intervalHours: 1 });
  }
  return sim;
}

describe('a sliced advance', () => {
  it('ends where one advance ends, slices growing and shrinking as the server makes them', () => {
    const whole = world();
    const sliced = world();
    // Slice sizes halve or double as a seeded sequence says (the server adapts them to wall time);
    // this sequence stops a slice exactly at a target's day start.
    let x = 1;
    const coin = () => {
      x = (x * 1103515245 + 12345) % 2147483648;
      return x / 2147483648 < 0.5;
    };
    for (const days of [32, 2, 2, 2, 2]) {
      whole.advance(`${days}d`);
      const target = new Date(Date.parse(sliced.clock().now) + days * 86_400_000).toISOString();
      let work = 1;
      while (!sliced.advanceSlice(target, work).done)
        work = coin() ? Math.max(1, Math.floor(work / 2)) : Math.min(10_000, work * 2);
      expect(JSON.stringify(sliced.exportState())).toBe(JSON.stringify(whole.exportState()));
    }
  });
});
