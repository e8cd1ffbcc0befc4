/**
 * What one scenario run knows besides the simulator: the ids behind the names the file uses
 * (pairs, servers, jobs, fault rules, remembered recovery points), where each named step began
 * in the event log, and the events seen so far. Every reference is resolved here, at the moment
 * the step runs, so `latest` means the latest point then.
 */
import { randomUUID } from 'node:crypto';
import type { ChaosRuleInput } from '../server/http-chaos.js';
import type { AsyncSimulator } from '../sim/contract.js';
import { parseDuration } from '../sim/duration.js';
import type { DrPair, RecoveryPoint, SimEvent } from '../sim/types.js';
import type { RetrySwitch } from './http.js';
import { PREVIOUS, readPointRef, readServerRef } from './refs.js';
import type { Scenario } from './scenario.js';
import { StepFailure } from './step-failure.js';

const PAGE = 500;

/** HTTP chaos on the target and the runner's retry switch. */
export interface HttpSide {
  chaos: {
    add(input: ChaosRuleInput): Promise<{ id: string }>;
    remove(id: string): Promise<void>;
  };
  retry: RetrySwitch;
  /** A request to the service with the run's token (and the retry policy), for `request` steps. */
  send(path: string, init: RequestInit): Promise<Response>;
}

export class World {
  readonly pairs = new Map<string, string>();
  readonly servers = new Map<string, string>();
  readonly jobs = new Map<string, string>();
  readonly faults = new Map<string, string>();
  readonly points = new Map<string, string>();
  /** The event sequence number each named step started after. */
  readonly marks = new Map<string, number>();
  readonly events: SimEvent[] = [];
  /** The rules addFault steps added, for the never-fired warning; `fired` is kept once removed. */
  readonly addedFaults: { id: string; name: string; line: number; removedFired: number | null }[] = [];
  /** The HTTP chaos rules this run added and has not removed (removed when it ends). */
  readonly httpRules: string[] = [];
  readonly httpRuleNames = new Map<string, string>();
  lastHttpRuleId: string | null = null;
  /**
   * Unique to this run, for its Idempotency-Keys: a server keeps keys per tenant for a day of
   * simulated time, and a rerun in the same tenant must not be answered with an earlier run's
   * job. It is never part of what is simulated, so it does not make runs differ.
   */
  readonly runId = randomUUID();
  lastJobId: string | null = null;
  lastFaultId: string | null = null;
  private lastSeq = 0;

  constructor(
    readonly sim: AsyncSimulator,
    readonly tenant: string,
    readonly scenario: Scenario,
    readonly seed: number,
    /** The service's HTTP side, when the run talks to it over HTTP. */
    readonly http?: HttpSide,
  ) {}

  get eventSeq(): number {
    return this.lastSeq;
  }

  /** Fetches the events since the last call. */
  async syncEvents(): Promise<void> {
    const afterSeq = this.lastSeq;
    let cursor: string | null = null;
    do {
      const page: { items: SimEvent[]; nextCursor: string | null } = await this.sim.events({
        tenant: this.tenant,
        afterSeq,
        limit: PAGE,
        cursor,
      });
      for (const event of page.items) {
        if (event.tenant === this.tenant) this.events.push(event);
        this.lastSeq = Math.max(this.lastSeq, event.seq);
      }
      cursor = page.nextCursor;
    } while (cursor !== null);
  }

  async nowMs(): Promise<number> {
    return Date.parse((await this.sim.clock()).now);
  }

  pairId(name: string): string {
    const id = this.pairs.get(name);
    if (id === undefined) throw new StepFailure(`pair "${name}" does not exist (was its attach refused?)`);
    return id;
  }

  pairName(id: string | null): string {
    for (const [name, pairId] of this.pairs) if (pairId === id) return name;
    return id ?? '-';
  }

  pair(name: string): Promise<DrPair> {
    return this.sim.getPair(this.tenant, this.pairId(name));
  }

  async serverId(text: string): Promise<string> {
    const ref = readServerRef(text);
    if (ref.kind === 'named') {
      const id = this.servers.get(ref.name);
      if (id === undefined) throw new StepFailure(`server "${ref.name}" does not exist`);
      return id;
    }
    const pair = await this.pair(ref.pair);
    const server =
      ref.kind === 'main'
        ? pair.mainServer
        : ref.kind === 'shadow'
          ? pair.shadowServer
          : pair.testFailover?.testServer;
    if (!server)
      throw new StepFailure(
        `pair "${ref.pair}" has no ${ref.kind === 'test' ? 'test' : ref.kind} server now`,
      );
    return server.id;
  }

  /** The pair's recovery points, newest first. */
  async recoveryPoints(pairName: string): Promise<RecoveryPoint[]> {
    const points: RecoveryPoint[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: RecoveryPoint[]; nextCursor: string | null } = await this.sim.listRecoveryPoints(
        this.tenant,
        this.pairId(pairName),
        { limit: PAGE, cursor },
      );
      points.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== null);
    return points.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
  }

  /** The id a recovery point reference means now; null when there is no such point. */
  async findPoint(pairName: string, text: string): Promise<string | null> {
    const ref = readPointRef(text);
    if (ref.kind === 'named') return this.points.get(ref.name) ?? null;
    if (ref.kind === 'active') return (await this.pair(pairName)).activeRecoveryPointId;
    if (ref.kind === 'tested') return (await this.pair(pairName)).testFailover?.recoveryPointId ?? null;
    const points = await this.recoveryPoints(pairName);
    switch (ref.kind) {
      case 'latest':
        return points[0]?.id ?? null;
      case 'previous':
        return points[1]?.id ?? null;
      case 'oldest':
        return points.at(-1)?.id ?? null;
      case 'ago': {
        const cutoff = (await this.nowMs()) - ref.ms;
        return points.find((p) => Date.parse(p.createdAt) <= cutoff)?.id ?? null;
      }
    }
  }

  async pointId(pairName: string, text: string): Promise<string> {
    const id = await this.findPoint(pairName, text);
    if (id === null) {
      const count = (await this.recoveryPoints(pairName)).length;
      throw new StepFailure(
        `pair "${pairName}" has no recovery point "${text}" now (it has ${count} points)`,
      );
    }
    return id;
  }

  jobId(ref: string | undefined): string {
    const id = ref === undefined || ref === PREVIOUS ? this.lastJobId : (this.jobs.get(ref) ?? null);
    if (id === null) throw new StepFailure(`no job "${ref ?? PREVIOUS}" was started`);
    return id;
  }

  faultId(ref: string | undefined): string {
    const id = ref === undefined || ref === PREVIOUS ? this.lastFaultId : (this.faults.get(ref) ?? null);
    if (id === null) throw new StepFailure(`no fault rule "${ref ?? PREVIOUS}" was added`);
    return id;
  }

  /** How often a rule has fired; null once it is gone (removed by a step or the chaos settle). */
  async faultFired(id: string): Promise<number | null> {
    const rule = (await this.sim.listFaults(this.tenant)).find((r) => r.id === id);
    if (rule) return rule.fired;
    return this.addedFaults.find((f) => f.id === id)?.removedFired ?? null;
  }

  /** The canonical pair name of a step body (the parser filled in the only pair). */
  static pairOf(body: { pair?: string | undefined }): string {
    if (body.pair === undefined) throw new StepFailure('the step names no pair');
    return body.pair;
  }
}

export const durationMs = (d: number | string): number => parseDuration(d);
