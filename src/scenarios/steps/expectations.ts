/** Expectations: read the world and compare; nothing here changes it. */
import { isDeepStrictEqual } from 'node:util';
import type { RecoveryPoint } from '../../sim/types.js';
import { formatEvent } from '../event-format.js';
import { describeMatcher, type Matcher, matches, nearest } from '../event-match.js';
import { StepFailure } from '../step-failure.js';
import { durationMs, World } from '../world.js';
import type { StepRunners } from './types.js';

type ExpectationKind =
  | 'expectStatus'
  | 'expectAllowedActions'
  | 'expectJob'
  | 'expectRecoveryPoints'
  | 'expectData'
  | 'expectRpo'
  | 'expectEvents'
  | 'expectServer'
  | 'expectRecoveryPoint'
  | 'expectFaultFired'
  | 'expectCost'
  | 'expectAccount';

const sorted = (items: readonly string[]) => [...items].sort();
const list = (items: readonly string[]) => (items.length === 0 ? '(none)' : items.join(', '));

function compare(what: string, expected: unknown, found: unknown): void {
  if (expected !== undefined && !isDeepStrictEqual(expected, found)) {
    throw new StepFailure(
      `${what} is not as expected`,
      `${what} ${String(expected)}`,
      `${what} ${String(found)}`,
    );
  }
}

const TAGS = ['first', 'interval', 'daily', 'weekly'];
const tagCounts = (points: readonly RecoveryPoint[]): string =>
  TAGS.map((tag) => `${tag} ${points.filter((p) => (p.tags as string[]).includes(tag)).length}`).join(', ');

export const EXPECTATION_RUNNERS: StepRunners<ExpectationKind> = {
  expectStatus: async (world, { body }) => {
    const name = World.pairOf(body);
    const pair = await world.pair(name);
    compare(`pair "${name}" status`, body.status, pair.status);
    compare(`pair "${name}" test failover`, body.testFailover, pair.testFailover?.state ?? 'NONE');
  },

  expectAllowedActions: async (world, { body }) => {
    const name = World.pairOf(body);
    const allowed = (await world.pair(name)).allowedActions;
    const found = `allowed: ${list(allowed)}`;
    if (body.exactly && !isDeepStrictEqual(sorted(body.exactly), sorted(allowed))) {
      throw new StepFailure(
        `pair "${name}" allows other actions`,
        `exactly: ${list(sorted(body.exactly))}`,
        found,
      );
    }
    const missing = (body.includes ?? []).filter((a) => !allowed.includes(a));
    if (missing.length > 0)
      throw new StepFailure(
        `pair "${name}" does not allow ${list(missing)}`,
        `includes: ${list(body.includes ?? [])}`,
        found,
      );
    const extra = (body.excludes ?? []).filter((a) => allowed.includes(a));
    if (extra.length > 0)
      throw new StepFailure(
        `pair "${name}" allows ${list(extra)}`,
        `excludes: ${list(body.excludes ?? [])}`,
        found,
      );
  },

  expectJob: async (world, { body }) => {
    const id = world.jobId(body.job);
    const job = await world.sim.getJob(world.tenant, id);
    compare(`job ${id} type`, body.type, job.type);
    if (body.status !== undefined && body.status !== job.status) {
      throw new StepFailure(
        `job ${id} (${job.type}) is ${job.status}`,
        `status ${body.status}`,
        `status ${job.status}${job.error ? ` with ${job.error.code}: ${job.error.message}` : ''}`,
      );
    }
    compare(`job ${id} error code`, body.errorCode, job.error?.code ?? null);
  },

  expectRecoveryPoints: async (world, { body }) => {
    const name = World.pairOf(body);
    const points = await world.recoveryPoints(name);
    const n = points.length;
    const found = `${n} recovery points${n > 0 ? ` (oldest ${points.at(-1)?.createdAt}, newest ${points[0]?.createdAt})` : ''}`;
    const fail = (expected: string) => {
      throw new StepFailure(`pair "${name}" has ${n} recovery points`, expected, found);
    };
    if (body.count !== undefined && n !== body.count) fail(`exactly ${body.count}`);
    if (body.atLeast !== undefined && n < body.atLeast) fail(`at least ${body.atLeast}`);
    if (body.atMost !== undefined && n > body.atMost) fail(`at most ${body.atMost}`);
    for (const [tag, want] of Object.entries(body.tags ?? {})) {
      const tagged = points.filter((p) => (p.tags as string[]).includes(tag)).length;
      const bounds = typeof want === 'number' ? { atLeast: want, atMost: want } : (want ?? {});
      if (
        (bounds.atLeast !== undefined && tagged < bounds.atLeast) ||
        (bounds.atMost !== undefined && tagged > bounds.atMost)
      ) {
        throw new StepFailure(
          `pair "${name}" has ${tagged} recovery points tagged ${tag}`,
          `${tag}: ${typeof want === 'number' ? `exactly ${want}` : [bounds.atLeast !== undefined && `at least ${bounds.atLeast}`, bounds.atMost !== undefined && `at most ${bounds.atMost}`].filter(Boolean).join(' and ')}`,
          `tags: ${tagCounts(points)}`,
        );
      }
    }
    if (body.maxAge !== undefined) {
      const oldest = points.at(-1);
      const limit = (await world.nowMs()) - durationMs(body.maxAge);
      if (oldest && Date.parse(oldest.createdAt) < limit) {
        throw new StepFailure(
          `pair "${name}" keeps a point older than ${body.maxAge}`,
          `no point before ${new Date(limit).toISOString()}`,
          found,
        );
      }
    }
  },

  expectData: async (world, { body }) => {
    const name = World.pairOf(body);
    const serverRef = body.server ?? `shadow of ${name}`;
    const serverId = await world.serverId(serverRef);
    const pointId = await world.pointId(
      name,
      body.recoveryPoint ?? (serverRef.startsWith('test server of') ? 'tested' : 'active'),
    );
    const snapshot = (files: { path: string; checksum: string }[]) =>
      files.map((f) => `${f.path} ${f.checksum}`).sort();
    const onServer = snapshot(await world.sim.listFiles(world.tenant, serverId));
    const atPoint = snapshot(await world.sim.recoveryPointFiles(world.tenant, world.pairId(name), pointId));
    if (!isDeepStrictEqual(onServer, atPoint)) {
      const missing = atPoint.filter((f) => !onServer.includes(f));
      const extra = onServer.filter((f) => !atPoint.includes(f));
      throw new StepFailure(
        `the data on ${serverRef} (${serverId}) differs from the main's data at recovery point ${pointId}`,
        `${atPoint.length} files as at ${pointId}`,
        `${onServer.length} files; missing or different: ${list(missing.slice(0, 5))}; unexpected: ${list(extra.slice(0, 5))}`,
      );
    }
  },

  expectRpo: async (world, { body }) => {
    const name = World.pairOf(body);
    const rpo = (await world.pair(name)).replication.rpoSeconds;
    const found = rpo === null ? 'no recovery point yet' : `RPO ${rpo}s`;
    if (body.below !== undefined && (rpo === null || rpo * 1000 >= durationMs(body.below))) {
      throw new StepFailure(`pair "${name}" RPO is not below ${body.below}`, `RPO < ${body.below}`, found);
    }
    if (body.atLeast !== undefined && (rpo === null || rpo * 1000 < durationMs(body.atLeast))) {
      throw new StepFailure(`pair "${name}" RPO is below ${body.atLeast}`, `RPO ≥ ${body.atLeast}`, found);
    }
  },

  expectEvents: async (world, { body }) => {
    await world.syncEvents();
    const since = body.since === undefined || body.since === 'start' ? 0 : (world.marks.get(body.since) ?? 0);
    const pairId = body.pair === undefined ? undefined : world.pairId(body.pair);
    const events = world.events.filter((e) => e.seq > since && (pairId === undefined || e.pairId === pairId));
    let from = 0;
    let previous: string | null = null;
    (body.inOrder ?? []).forEach((m, i) => {
      const matcher = m as Matcher;
      const at = events.findIndex((e, index) => index >= from && matches(e, matcher));
      if (at === -1) {
        throw new StepFailure(
          `event ${i + 1} of inOrder did not happen${i > 0 ? ` after event ${i} (${previous})` : ''}`,
          describeMatcher(matcher),
          nearest(events, matcher, from, world, previous),
        );
      }
      from = at + 1;
      previous = `event ${i + 1} (${formatEvent(events[at] as (typeof events)[number], world)})`;
    });
    for (const matcher of body.none ?? []) {
      const hit = events.find((e) => matches(e, matcher as Matcher));
      if (hit)
        throw new StepFailure(
          'an event that must not happen happened',
          `no ${describeMatcher(matcher as Matcher)}`,
          formatEvent(hit, world),
        );
    }
  },

  expectCost: async (world, { body }) => {
    const pairId = body.pair === undefined ? null : world.pairId(body.pair);
    // Without `from`: the 366 days up to `to` (the longest report), every day of a scenario.
    const to = body.to ?? (await world.sim.usage(world.tenant, pairId)).to;
    const from =
      body.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 365 * 86_400_000).toISOString().slice(0, 10);
    const report = await world.sim.usage(world.tenant, pairId, { from, to });
    const lines = report.days
      .flatMap((d) => d.items)
      .filter((l) => body.item === undefined || l.item === body.item);
    const found = Math.round(lines.reduce((sum, l) => sum + l.amount, 0) * 100) / 100;
    const what = `cost of ${body.pair === undefined ? 'the account' : `pair "${body.pair}"`}${
      body.item === undefined ? '' : ` (${body.item})`
    } from ${report.from} to ${report.to}`;
    const shown = `${what} ${found} ${report.currency}`;
    if (body.total !== undefined && Math.abs(found - body.total) > 0.005)
      throw new StepFailure(`${what} is not as expected`, `${what} ${body.total}`, shown);
    if (body.atLeast !== undefined && found < body.atLeast)
      throw new StepFailure(`${what} is too low`, `${what} at least ${body.atLeast}`, shown);
    if (body.atMost !== undefined && found > body.atMost)
      throw new StepFailure(`${what} is too high`, `${what} at most ${body.atMost}`, shown);
  },

  expectAccount: async (world, { body }) => {
    const account = await world.sim.account(world.tenant);
    compare('account mode', body.mode, account.mode);
    compare('account balance', body.balance, account.balance);
    compare('account unpaid', body.unpaid, account.unpaid);
  },

  expectServer: async (world, { body }) => {
    const id = await world.serverId(body.server);
    const server = await world.sim.getServer(world.tenant, id);
    compare(`server ${body.server} (${id}) power state`, body.powerState, server.powerState);
    compare(`server ${body.server} (${id}) role`, body.role, server.role);
    compare(`server ${body.server} (${id}) flavor`, body.flavor, server.flavor);
    compare(
      `server ${body.server} (${id}) volume sizes (GB)`,
      body.volumeSizesGb === undefined ? undefined : body.volumeSizesGb.join(', '),
      server.volumes.map((v) => v.sizeGb).join(', '),
    );
    compare(`server ${body.server} (${id}) expired`, body.expired, server.expired);
  },

  expectRecoveryPoint: async (world, { body }) => {
    const name = World.pairOf(body);
    const id = await world.findPoint(name, body.recoveryPoint);
    const point = id === null ? undefined : (await world.recoveryPoints(name)).find((p) => p.id === id);
    const what = `recovery point "${body.recoveryPoint}" of pair "${name}"`;
    if (body.exists === false) {
      if (point)
        throw new StepFailure(
          `${what} still exists`,
          'no such point',
          `${point.id} tags ${list(point.tags)}`,
        );
      return;
    }
    if (!point) throw new StepFailure(`${what} does not exist`, 'the point to exist', 'no such point now');
    if (body.tags !== undefined && !isDeepStrictEqual(sorted(body.tags), sorted(point.tags))) {
      throw new StepFailure(
        `${what} (${point.id}) has other tags`,
        `tags ${list(sorted(body.tags))}`,
        `tags ${list(sorted(point.tags))}`,
      );
    }
  },

  expectFaultFired: async (world, { body }) => {
    const id = world.faultId(body.fault);
    const fired = (await world.faultFired(id)) ?? 0;
    const label = body.fault ?? 'previous';
    if (body.times !== undefined && fired !== body.times) {
      throw new StepFailure(
        `fault rule "${label}" (${id}) fired ${fired} times`,
        `fired exactly ${body.times} times`,
        `fired ${fired} times`,
      );
    }
    const atLeast = body.atLeast ?? (body.times === undefined ? 1 : 0);
    if (fired < atLeast) {
      throw new StepFailure(
        `fault rule "${label}" (${id}) fired ${fired === 0 ? 'never' : `${fired} times`}`,
        `fired at least ${atLeast} times`,
        `fired ${fired} times`,
      );
    }
  },
};
