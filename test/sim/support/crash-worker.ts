/**
 * The child process of test/sim/crash.test.ts: works on a simulator backed by a database file
 * until it is killed, and acknowledges each call on stdout only after the call returned (so the
 * change is committed): `ACK <n> <what> <ids…>` (the lines are described in crash-protocol.ts).
 * Any error is a finding: it goes to stderr and the worker exits with code 1. The parent kills it with SIGKILL at seeded
 * moments, reopens the file and checks that everything acknowledged is there.
 *
 * Run: node --import tsx test/sim/support/crash-worker.ts <dbfile> <seed> <round> [maxCalls]
 *
 * Its choices come from its own seeded PRNG (seed and round), so a round is reproducible up to
 * the moment of the kill. It uses only documented calls and picks actions the pair allows.
 */
import type { Simulator } from '../../../src/sim/contract.js';
import { DrError } from '../../../src/sim/errors.js';
import { createSimulator } from '../../../src/sim/index.js';
import type { ActionRequest, RecoveryPoint } from '../../../src/sim/types.js';
import { CRASH_TENANT } from './crash-protocol.js';

const PLACEMENT = { region: 'HAN01', vpcId: 'vpc-dr', subnetId: 'subnet-dr' };

/** mulberry32: a small seeded PRNG for the worker's own choices. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function main(): void {
  const [db, seedText, roundText, maxText] = process.argv.slice(2);
  if (!db || !seedText || !roundText)
    throw new Error('usage: crash-worker.ts <dbfile> <seed> <round> [maxCalls]');
  const seed = Number(seedText);
  const round = Number(roundText);
  const maxCalls = Number(maxText ?? 500);
  const random = prng(seed * 7919 + round);
  const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(random() * items.length)];
  const sim = createSimulator({ db, seed });
  let n = 0;
  const ack = (...parts: string[]) => process.stdout.write(`ACK ${++n} ${parts.join(' ')}\n`);
  process.stdout.write(`READY ${sim.clock().now}\n`);

  const servers = () => sim.listServers(CRASH_TENANT, { limit: 500 }).items;
  const pairs = () => sim.listPairs(CRASH_TENANT, { limit: 500 }).items;

  for (let call = 0; call < maxCalls; call++) {
    const roll = random();
    try {
      if (roll < 0.12 && servers().filter((s) => s.role === 'STANDALONE').length < 3) {
        const server = sim.createServer(CRASH_TENANT, {
          name: `web-${round}-${call}`,
          region: 'HCM01',
          files: { 'etc/app.conf': `round=${round} call=${call}\n` },
        });
        ack('server', server.id);
      } else if (roll < 0.22) {
        const free = servers().filter(
          (s) => s.role === 'STANDALONE' && s.powerState !== 'DOWN' && !s.expired,
        );
        const server = pick(free);
        if (!server) continue;
        ack('pair', sim.attach(CRASH_TENANT, { mainServerId: server.id, shadow: PLACEMENT }).id);
      } else if (roll < 0.5) {
        const pair = pick(pairs().filter((p) => p.allowedActions.length > 0));
        if (!pair) continue;
        const request = requestFor(sim, pair.id, pick(pair.allowedActions)!, call, random);
        if (!request) continue;
        ack('job', sim.act(CRASH_TENANT, pair.id, request).id, request.action);
      } else if (roll < 0.8) {
        const minutes = 1 + Math.floor(random() * 180);
        sim.advance(minutes * 60_000);
        ack('clock', sim.clock().now);
      } else if (roll < 0.88) {
        const server = pick(servers().filter((s) => s.role === 'MAIN' && s.powerState === 'RUNNING'));
        if (!server) continue;
        const path = `data/file-${Math.floor(random() * 4)}.txt`;
        const entry = sim.writeFile(CRASH_TENANT, server.id, path, `round ${round} call ${call}\n`);
        ack('file', server.id, path, entry.checksum);
      } else if (roll < 0.92) {
        const server = pick(servers().filter((s) => s.role === 'MAIN'));
        if (!server) continue;
        sim.setWorkload(CRASH_TENANT, server.id, Math.floor(random() * 4) / 2);
        ack('workload', server.id);
      } else if (roll < 0.96) {
        const server = pick(servers().filter((s) => s.role === 'MAIN'));
        if (!server) continue;
        const after =
          server.powerState === 'DOWN'
            ? sim.recoverServer(CRASH_TENANT, server.id)
            : sim.failServer(CRASH_TENANT, server.id);
        ack('power', after.id, after.powerState);
      } else {
        const rules = sim.listFaults(CRASH_TENANT);
        const rule = pick(rules);
        if (rule && rules.length >= 2) {
          sim.removeFault(rule.id);
          ack('unfault', rule.id);
        } else {
          // No `fail` on Start Replication: failing its first step leaves a pair without a
          // shadow whose Restart then throws out of `advance` (an engine bug that faults.test.ts
          // pins); this test is about crashes, not about that.
          const target = pick([
            'failover',
            'startReplication',
            'testFailover',
            'replication',
            'restartReplication',
          ] as const)!;
          const added = sim.addFault({
            tenant: CRASH_TENANT,
            target,
            trigger: { probability: 0.3 },
            effect:
              random() < 0.5 && target !== 'startReplication'
                ? { kind: 'fail' }
                : { kind: 'delay', duration: '7m' },
          });
          ack('fault', added.id);
        }
      }
    } catch (error) {
      // The worker only makes calls the engine must accept (allowed actions, valid points,
      // running servers), so any error is a finding: report it and stop.
      const code = DrError.is(error) ? error.code : 'UNEXPECTED';
      process.stderr.write(`call ${call} failed (${code}): ${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    }
  }
  sim.close();
  process.stdout.write('DONE\n');
}

/**
 * A request for `action` with valid arguments. Recovery points: the newest one on the interval,
 * which retention keeps while a job restores from it.
 */
function requestFor(
  sim: Simulator,
  pairId: string,
  action: ActionRequest['action'],
  call: number,
  random: () => number,
): ActionRequest | null {
  const points: RecoveryPoint[] = sim.listRecoveryPoints(CRASH_TENANT, pairId, { limit: 100 }).items;
  const point = points.find((p) => p.tags.includes('interval'))?.id;
  switch (action) {
    case 'startReplication':
      return { action, shadowName: `dr-${call}`, intervalHours: 1 + Math.floor(random() * 3) };
    case 'testFailover':
      return point ? { action, testServerName: `test-${call}`, recoveryPointId: point } : null;
    case 'changeTestRecoveryPoint':
    case 'failover':
    case 'changeRecoveryPoint':
      return point ? { action, recoveryPointId: point } : null;
    case 'commitFailover':
      return { action, deleteAllRecoveryPoints: random() < 0.5 };
    default:
      return { action } as ActionRequest;
  }
}

main();
