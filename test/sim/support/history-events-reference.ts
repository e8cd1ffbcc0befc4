/**
 * History retention's event pass as it was before it read rows as arrays and deleted in one
 * statement (src/sim/history-events.ts): the events unpacked one by one, each recovery-point
 * event's data parsed, the doomed deleted row by row. Kept as the model the fast pass must match.
 */
import { type EventRow, PACKED_EVENTS, unpackEvents } from '../../../src/sim/rows.js';
import type { Db } from '../../../src/sim/store.js';

const RETENTION_REASONS = new Set(['interval', 'daily', 'weekly', 'age', 'count']);
const UNREAD_KINDS = new Set([
  'file.written',
  'fault.fired',
  'server.power',
  'server.outage',
  'server.recovered',
  'clock.advanced',
]);

export function referencePruneEvents(
  db: Db,
  pass: {
    cutoffMs: number;
    cursor: number;
    carried?: Map<string, number> | undefined;
    named: () => ReadonlySet<string>;
  },
): { cursor: number; carried: Map<string, number> } | null {
  const { cursor, cutoffMs } = pass;
  const stored = db
    .prepare('SELECT seq, at_ms, tenant, pair_id, kind, data FROM events WHERE seq > ? ORDER BY seq')
    .iterate(cursor) as IterableIterator<EventRow>;
  const packed = new Map<number, EventRow>();
  const rows = unpackEvents(
    (function* remember() {
      for (const row of stored) {
        if (row.kind === PACKED_EVENTS) packed.set(row.seq, row);
        yield row;
      }
    })(),
    cursor,
  );
  const doomed: number[] = [];
  const createdSeq = pass.carried ?? new Map<string, number>();
  const deletedPoints: { seq: number; pairId: string | null; pointId: string }[] = [];
  let last = cursor;
  for (const row of rows) {
    if (row.at_ms >= cutoffMs) {
      rows.return?.();
      break;
    }
    last = row.seq;
    if (UNREAD_KINDS.has(row.kind)) doomed.push(row.seq);
    else if (row.kind === 'recoveryPoint.created') {
      const id = (JSON.parse(row.data) as { recoveryPointId?: unknown }).recoveryPointId;
      if (typeof id === 'string') createdSeq.set(id, row.seq);
    } else if (row.kind === 'recoveryPoint.deleted') {
      const data = JSON.parse(row.data) as { recoveryPointId?: unknown; reason?: unknown };
      if (typeof data.recoveryPointId === 'string' && RETENTION_REASONS.has(String(data.reason))) {
        deletedPoints.push({ seq: row.seq, pairId: row.pair_id, pointId: data.recoveryPointId });
      } else if (typeof data.recoveryPointId === 'string') createdSeq.delete(data.recoveryPointId);
    }
  }
  if (last === cursor) return null;
  if (deletedPoints.length > 0) {
    const named = pass.named();
    const findCreated = db.prepare<[string | null, number, string, string, string], { seq: number }>(
      `SELECT CASE kind WHEN 'recoveryPoint.created' THEN seq ELSE seq - 1 END AS seq FROM events
       WHERE pair_id IS ? AND seq < ? AND (
         (kind = 'recoveryPoint.created' AND json_extract(data, '$.recoveryPointId') = ?)
         OR (kind = ? AND json_extract(data, '$[0].recoveryPointId') = ?))`,
    );
    for (const { seq, pairId, pointId } of deletedPoints) {
      const carriedSeq = createdSeq.get(pointId);
      createdSeq.delete(pointId);
      if (named.has(pointId)) continue;
      const created = carriedSeq ?? findCreated.get(pairId, seq, pointId, PACKED_EVENTS, pointId)?.seq;
      if (created === undefined) continue;
      doomed.push(created, seq);
    }
  }
  removeEvents(db, doomed, { fromSeq: cursor, toSeq: last, packed });
  return { cursor: last, carried: createdSeq };
}

function removeEvents(
  db: Db,
  seqs: readonly number[],
  scanned: { fromSeq: number; toSeq: number; packed: Map<number, EventRow> },
): void {
  if (seqs.length === 0) return;
  const gone = new Set(seqs);
  const remove = db.prepare<[number]>('DELETE FROM events WHERE seq = ?');
  const rowsAround = db.prepare<[number, number], { seq: number; kind: string; data: string }>(
    'SELECT seq, kind, data FROM events WHERE seq IN (?, ?) ORDER BY seq',
  );
  const rewrite = db.prepare<[number, string, string, number]>(
    'UPDATE events SET seq = ?, kind = ?, data = ? WHERE seq = ?',
  );
  const done = new Set<number>();
  for (const seq of seqs) {
    if (done.has(seq)) continue;
    const packed =
      seq > scanned.fromSeq && seq <= scanned.toSeq
        ? (scanned.packed.get(seq) ?? scanned.packed.get(seq + 1))
        : rowsAround.all(seq, seq + 1).find((row) => row.kind === PACKED_EVENTS);
    if (!packed || (packed.seq !== seq && packed.seq !== seq + 1)) {
      remove.run(seq);
      continue;
    }
    const other = packed.seq === seq ? seq - 1 : seq + 1;
    scanned.packed.delete(packed.seq);
    if (gone.has(other)) {
      remove.run(packed.seq);
      done.add(other);
      continue;
    }
    const [first, second] = JSON.parse(packed.data) as [unknown, unknown];
    const [kind, data] =
      other < packed.seq ? ['recoveryPoint.created', first] : ['recoveryPoint.deleted', second];
    rewrite.run(other, kind, JSON.stringify(data), packed.seq);
  }
}
