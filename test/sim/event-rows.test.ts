/**
 * A tick's `recoveryPoint.created` and the `recoveryPoint.deleted` right after it are stored as
 * one row (src/sim/rows.ts, PACKED_EVENTS), and so are an action's `job.created`,
 * `pair.transition` and `job.ended` when it is done at once (PACKED_JOB_EVENTS). Readers must see
 * each event with its own seq: every cursor, `afterSeq`, kind filter and page size answers as if
 * each event had its own row, before and after history retention prunes half of such a pair.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/sim/contract.js';
import { createSimulator } from '../../src/sim/index.js';
import {
  JOB_EVENT_KINDS,
  jsonString,
  PACKED_JOB_EVENTS,
  PACKED_JOB_EVENTS_V1,
  packJobEvents,
  unpackJobEvents,
} from '../../src/sim/rows.js';
import { STORED_WORDS } from '../../src/sim/stored-words.js';
import type { SimEvent } from '../../src/sim/types.js';
import { attachMain, createMain, expectChecksPass, TENANT } from './support/world.js';

function replicating(historyRetentionDays?: number) {
  const sim = createSimulator({ seed: 9, ...(historyRetentionDays && { historyRetentionDays }) });
  const main = createMain(sim, 'web-01');
  const pair = attachMain(sim, main.id);
  sim.act(TENANT, pair.id, { action: 'startReplication', shadowName: 'web-01-dr', intervalHours: 4 });
  return { sim, pair };
}

function everyEvent(sim: Simulator, pageSize: number): SimEvent[] {
  const all: SimEvent[] = [];
  let cursor: string | undefined;
  do {
    const page = sim.events({ limit: pageSize, ...(cursor && { cursor }) });
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return all;
}

function expectConsistentReads(sim: Simulator, pairId: string): SimEvent[] {
  const all = everyEvent(sim, 500);
  const seqs = all.map((event) => event.seq);
  expect(new Set(seqs).size).toBe(seqs.length);
  expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
  // Any page size gives the same sequence, whatever row a page boundary falls in.
  for (const size of [1, 2, 3, 7]) expect(everyEvent(sim, size)).toEqual(all);
  // Starting after any event gives exactly the events after it.
  for (let i = 0; i < all.length - 1; i++) {
    expect(sim.events({ afterSeq: all[i]!.seq, limit: 1 }).items).toEqual([all[i + 1]]);
  }
  const ofPair = all.filter((event) => event.pairId === pairId);
  expect(sim.events({ pairId, limit: 500 }).items).toEqual(ofPair);
  expect(sim.history(TENANT, pairId, { limit: 500 }).items).toEqual(ofPair);
  const deleted = ofPair.filter((event) => event.kind === 'recoveryPoint.deleted');
  expect(sim.events({ kinds: ['recoveryPoint.deleted'], pairId, limit: 500 }).items).toEqual(deleted);
  expect(sim.exportState().events).toEqual(all);
  return all;
}

describe('events stored two to a row', () => {
  it('reads as one event per seq: pages, afterSeq, kinds, history, export', () => {
    const { sim, pair } = replicating();
    sim.advance('5h');
    const all = expectConsistentReads(sim, pair.id);
    // Each quarter-hour tick deletes the point before it (off the interval) right after the new one.
    const created = all.findIndex((event) => event.kind === 'recoveryPoint.created');
    const next = all.findIndex((event, i) => i > created + 1 && event.kind === 'recoveryPoint.created');
    expect(all[next + 1]).toMatchObject({ kind: 'recoveryPoint.deleted', seq: all[next]!.seq + 1 });
    expectChecksPass(sim);
  });

  it('an import stores the same events, and later ticks add to them the same way', () => {
    const { sim, pair } = replicating();
    sim.advance('3h');
    const other = createSimulator({ seed: 1 });
    other.importState(sim.exportState());
    sim.advance('2h');
    other.advance('2h');
    expect(expectConsistentReads(other, pair.id)).toEqual(expectConsistentReads(sim, pair.id));
  });

  it('pruning half of a stored pair of events keeps the other half readable', () => {
    // A 1-day retention prunes the created/deleted events of points deleted more than a day ago;
    // the creation of a point still kept shares a row with such a deletion.
    const { sim, pair } = replicating(1);
    sim.advance('4d');
    const all = expectConsistentReads(sim, pair.id);
    const kept = new Set(sim.listRecoveryPoints(TENANT, pair.id, { limit: 100 }).items.map((p) => p.id));
    const createdOfKept = all.filter(
      (event) => event.kind === 'recoveryPoint.created' && kept.has(String(event.data.recoveryPointId)),
    );
    expect(createdOfKept.length).toBe(kept.size);
    expectChecksPass(sim);
  });
});

describe('an action done at once: its three events stored in one row', () => {
  it('reads as three events with their own seqs: pages, afterSeq, kinds, history, export', () => {
    const { sim, pair } = replicating();
    sim.advance('1h');
    const stop = sim.act(TENANT, pair.id, { action: 'stopReplication' });
    const resume = sim.act(TENANT, pair.id, { action: 'resumeReplication' });
    const all = expectConsistentReads(sim, pair.id);
    for (const [job, from, to] of [
      [stop, 'REPLICATING', 'PAUSED'],
      [resume, 'PAUSED', 'REPLICATING'],
    ] as const) {
      const created = all.findIndex((event) => event.kind === 'job.created' && event.data.jobId === job.id);
      expect(all.slice(created, created + 3)).toMatchObject([
        { kind: 'job.created', data: { jobId: job.id, type: job.type, request: {} } },
        { kind: 'pair.transition', seq: all[created]!.seq + 1, data: { from, to, jobId: job.id } },
        {
          kind: 'job.ended',
          seq: all[created]!.seq + 2,
          data: { jobId: job.id, status: 'SUCCEEDED', error: null },
        },
      ]);
    }
    const other = createSimulator({ seed: 1 });
    other.importState(sim.exportState());
    for (const s of [sim, other]) {
      s.act(TENANT, pair.id, { action: 'stopReplication' });
      s.advance('1d');
    }
    expect(expectConsistentReads(other, pair.id)).toEqual(expectConsistentReads(sim, pair.id));
    expectChecksPass(sim);
  });

  it('a refused or failed action stores exactly what it stored before', () => {
    const { sim, pair } = replicating();
    sim.advance('1h');
    sim.addFault({ target: 'stopReplication', effect: { kind: 'fail' } });
    const failed = sim.act(TENANT, pair.id, { action: 'stopReplication' });
    expect(failed.status).toBe('FAILED');
    expect(() => sim.act(TENANT, pair.id, { action: 'resumeReplication' })).toThrow();
    const all = expectConsistentReads(sim, pair.id);
    expect(all.filter((event) => event.data.jobId === failed.id).map((event) => event.kind)).toEqual([
      'job.created',
      'fault.fired',
      'job.ended',
    ]);
    expect(sim.getJob(TENANT, failed.id)).toEqual(failed);
  });

  const json = fc.jsonValue();
  const string = fc.string();
  // Words and strings that look like their numbers, where the packed row stores words as numbers.
  const word = fc.oneof(string, fc.constantFrom(...STORED_WORDS), fc.constantFrom('0', '7', 'null'));
  const value = fc.oneof(json, word);
  it('packing keeps every event text byte for byte, or declines', () => {
    fc.assert(
      fc.property(
        string,
        word,
        json,
        fc.array(value, { minLength: 6, maxLength: 6 }),
        value,
        json,
        (jobId, type, request, [event, from, to, testFrom, testTo, active], status, error) => {
          const created = { jobId, type, request };
          const transition = { event, from, to, testFrom, testTo, activeRecoveryPointId: active, jobId };
          const ended = { jobId, type, status, error };
          const packed = packJobEvents(created, transition, ended);
          expect(packed).not.toBeNull();
          const [kind, data] = packed!;
          const words = [event, from, to, testFrom, testTo, status].every((v) => typeof v === 'string');
          expect(kind).toBe(words ? PACKED_JOB_EVENTS : PACKED_JOB_EVENTS_V1);
          expect(unpackJobEvents(kind, data)).toEqual(
            [created, transition, ended].map((d) => JSON.stringify(d)),
          );
          // Another job, another key order, a missing or an undefined value: not packed.
          expect(packJobEvents(created, { ...transition, jobId: `${jobId}x` }, ended)).toBeNull();
          expect(packJobEvents({ type, jobId, request }, transition, ended)).toBeNull();
          expect(packJobEvents(created, transition, { jobId, type, status })).toBeNull();
          expect(
            packJobEvents(created, { ...transition, activeRecoveryPointId: undefined }, ended),
          ).toBeNull();
          expect(packJobEvents(created, transition, { ...ended, extra: 1 })).toBeNull();
        },
      ),
    );
    expect(JOB_EVENT_KINDS).toEqual(['job.created', 'pair.transition', 'job.ended']);
  });

  it('rows packed before the words (migration 10) read back as they were written', () => {
    const v1 =
      '["job-1","stopReplication",{},"STOP_REPLICATION","REPLICATING","PAUSED","NONE","NONE",null,"SUCCEEDED",null]';
    expect(unpackJobEvents(PACKED_JOB_EVENTS_V1, v1)).toEqual([
      '{"jobId":"job-1","type":"stopReplication","request":{}}',
      '{"event":"STOP_REPLICATION","from":"REPLICATING","to":"PAUSED","testFrom":"NONE","testTo":"NONE","activeRecoveryPointId":null,"jobId":"job-1"}',
      '{"jobId":"job-1","type":"stopReplication","status":"SUCCEEDED","error":null}',
    ]);
    const [kind, data] = packJobEvents(
      ...(unpackJobEvents(PACKED_JOB_EVENTS_V1, v1).map((t) => JSON.parse(t)) as [
        Record<string, unknown>,
        Record<string, unknown>,
        Record<string, unknown>,
      ]),
    )!;
    expect(kind).toBe(PACKED_JOB_EVENTS);
    expect(data.length).toBeLessThan(v1.length * 0.4);
  });
});

describe("the packed point row's strings", () => {
  it('jsonString writes what JSON.stringify writes, for any string', () => {
    const ids = fc.stringMatching(/^[a-z]{2,3}-[a-z2-9]{10}$/);
    const texts = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.string(), ids);
    fc.assert(
      fc.property(texts, (text) => {
        expect(jsonString(text)).toBe(JSON.stringify(text));
      }),
      { numRuns: 2000 },
    );
    for (const text of ['', '"', '\\', '\n', '\u007f', '\ud800', '\udc00x', '😀', 'rp-abc\u2028']) {
      expect(jsonString(text)).toBe(JSON.stringify(text));
    }
  });
});
