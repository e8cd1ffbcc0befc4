// The journal keeps the latest `capacity` requests in arrival order, whatever the number recorded
// and however reads (which work out answer summaries) and clears are interleaved.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type JournalEntry, RequestJournal } from '../../src/server/journal.js';

const entry = (i: number): Omit<JournalEntry, 'seq'> => ({
  simTime: '2026-01-05T00:00:00.000Z',
  method: i % 3 === 0 ? 'POST' : 'GET',
  path: `/v1/servers/${i}`,
  query: {},
  status: 200,
  durationMs: 1,
  tenant: 't',
  idempotencyKey: null,
});

describe('RequestJournal', () => {
  it('holds the last `capacity` entries, oldest first, each summary worked out once', () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('record' as const), summarised: fc.boolean() }),
      fc.record({ kind: fc.constant('read' as const), method: fc.constantFrom(undefined, 'GET', 'POST') }),
      fc.record({ kind: fc.constant('clear' as const) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 7 }), fc.array(step, { maxLength: 40 }), (capacity, steps) => {
        const journal = new RequestJournal(capacity);
        let model: { seq: number; method: string; summary: boolean }[] = [];
        let seq = 0;
        const worked: number[] = [];
        for (const s of steps) {
          if (s.kind === 'record') {
            const i = ++seq;
            const summary = () => {
              worked.push(i);
              return { code: `C${i}` };
            };
            journal.record(entry(i), s.summarised ? summary : undefined);
            model.push({ seq: i, method: entry(i).method, summary: s.summarised });
            model = capacity === 0 ? [] : model.slice(-capacity);
          } else if (s.kind === 'clear') {
            journal.clear();
            model = [];
          } else {
            const expected = model.filter((m) => s.method === undefined || m.method === s.method);
            const found = journal.find(s.method ? { method: s.method } : {});
            expect(found.map((e) => e.seq)).toEqual(expected.map((m) => m.seq));
            for (const m of expected) {
              const e = found.find((f) => f.seq === m.seq);
              expect(e?.response).toEqual(m.summary ? { code: `C${m.seq}` } : undefined);
            }
          }
        }
        expect(new Set(worked).size).toBe(worked.length);
      }),
    );
  });
});
