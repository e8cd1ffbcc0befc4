/**
 * One pass of history retention over the events table (history-retention.ts decides when and
 * with which cutoff). It reads the rows after the cursor up to the first one at or after the
 * cutoff once, as arrays, parsing only the data of recovery-point rows (a packed row once, not
 * unpacked into two rows and read again), and deletes what goes in one statement: in a year of
 * one pair, reading the day back event by event and deleting it row by row was 40–50 % of the
 * run (docs/performance.md). The rows it keeps are exactly those the event-by-event pass kept
 * (test/sim/history-events.test.ts compares both over random histories).
 */
import { PACKED_EVENTS } from './rows.js';
import { type Db, preparedOnce } from './store.js';

const CREATED = 'recoveryPoint.created';
const DELETED = 'recoveryPoint.deleted';
const RETENTION_REASONS = new Set(['interval', 'daily', 'weekly', 'age', 'count']);
const UNREAD_KINDS = new Set([
  'file.written',
  'fault.fired',
  'server.power',
  'server.outage',
  'server.recovered',
  'clock.advanced',
]);

export interface EventPass {
  /** Events at or after this time stay, and so does every event after the first such one. */
  cutoffMs: number;
  /** Events with seq up to this were judged by the passes before. */
  cursor: number;
  /** Creations of points not deleted yet, by point id, as the pass that ended at `cursor` left them. */
  carried?: Map<string, number> | undefined;
  /**
   * Which of the carried creations' seqs are rows of their own (not the first event of a packed
   * row), as the same pass left them; passed with `carried` or not at all.
   */
  ownRows?: Set<number> | undefined;
  /** Points whose history a checker may still need (read only when a point's events could go). */
  named: () => ReadonlySet<string>;
}

/** What a pass carries to the next one (see `EventPass`). */
export interface Carried {
  cursor: number;
  carried: Map<string, number>;
  ownRows: Set<number>;
}

/** The new cursor and the creations to carry to the next pass; null when no event was judged. */
export function pruneEventRows(database: Db, pass: EventPass): Carried | null {
  const db = preparedOnce(database);
  const { cursor, cutoffMs } = pass;
  const end = db
    .prepare<[number, number], number>(
      'SELECT seq FROM events WHERE seq > ? AND at_ms >= ? ORDER BY seq LIMIT 1',
    )
    .pluck()
    .get(cursor, cutoffMs);
  // Only recovery-point rows need their data read.
  const rows = db
    .prepare<[string, string, string, number, number], [number, string, string | null, string | null]>(
      `SELECT seq, kind, pair_id, CASE WHEN kind IN (?, ?, ?) THEN data END FROM events
       WHERE seq > ? AND seq < ? ORDER BY seq`,
    )
    .raw()
    .all(CREATED, DELETED, PACKED_EVENTS, cursor, end ?? Number.MAX_SAFE_INTEGER);
  if (rows.length === 0) return null;
  const createdSeq = pass.carried ?? new Map<string, number>();
  // Always a subset of `createdSeq`'s seqs: a creation leaves both at once.
  const ownRows = (pass.carried && pass.ownRows) || new Set<number>();
  const forget = (id: string) => {
    const seq = createdSeq.get(id);
    if (seq === undefined) return;
    ownRows.delete(seq);
    createdSeq.delete(id);
  };
  const gone = new Set<number>();
  const deletedPoints: { seq: number; pairId: string | null; pointId: string }[] = [];
  /** Carried creations at or before the cursor stored as rows of their own, to delete whole. */
  const wholeEarlier: number[] = [];
  /** Parsed data of the packed rows read, by seq. */
  const packed = new Map<number, [unknown, unknown]>();
  const created = (seq: number, data: unknown, ownRow: boolean) => {
    const id = (data as { recoveryPointId?: unknown }).recoveryPointId;
    if (typeof id !== 'string') return;
    // An id made again: its earlier creation is no longer carried (the entry keeps its place).
    const earlier = createdSeq.get(id);
    if (earlier !== undefined) ownRows.delete(earlier);
    createdSeq.set(id, seq);
    if (ownRow) ownRows.add(seq);
  };
  const deleted = (seq: number, pairId: string | null, data: unknown) => {
    const { recoveryPointId: id, reason } = data as { recoveryPointId?: unknown; reason?: unknown };
    if (typeof id !== 'string') return;
    if (RETENTION_REASONS.has(String(reason))) deletedPoints.push({ seq, pairId, pointId: id });
    else forget(id);
  };
  for (const [seq, kind, pairId, data] of rows) {
    if (UNREAD_KINDS.has(kind)) gone.add(seq);
    else if (kind === PACKED_EVENTS) {
      const both = JSON.parse(data!) as [unknown, unknown];
      packed.set(seq, both);
      if (seq - 1 > cursor) created(seq - 1, both[0], false);
      deleted(seq, pairId, both[1]);
    } else if (kind === CREATED) created(seq, JSON.parse(data!), true);
    else if (kind === DELETED) deleted(seq, pairId, JSON.parse(data!));
  }
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
      const ownRow = carriedSeq !== undefined && ownRows.has(carriedSeq);
      forget(pointId);
      if (named.has(pointId)) continue;
      // A creation stored as its own row at or before the cursor is deleted without reading it.
      if (ownRow && carriedSeq <= cursor) {
        wholeEarlier.push(carriedSeq);
        gone.add(seq);
        continue;
      }
      const createdAt = carriedSeq ?? findCreated.get(pairId, seq, pointId, PACKED_EVENTS, pointId)?.seq;
      if (createdAt === undefined) continue;
      gone.add(createdAt);
      gone.add(seq);
    }
  }
  if (gone.size > 0 || wholeEarlier.length > 0)
    remove(database, rows, packed, gone, cursor, wholeEarlier, (seq) => {
      // A packed row now stored as its creation alone: its own row, if that creation is carried.
      const id = (packed.get(seq + 1)![0] as { recoveryPointId?: unknown }).recoveryPointId;
      if (typeof id === 'string' && createdSeq.get(id) === seq) ownRows.add(seq);
    });
  return { cursor: rows[rows.length - 1]![0], carried: createdSeq, ownRows };
}

/**
 * Deletes the events in `gone` and the rows `whole` (creations known to be rows of their own). A
 * packed row goes when both its events go; when one goes, the row becomes the other event's own
 * row (`ownCreation` is told the seq when that is a creation). Rows read by the pass (`rows`,
 * packed data in `packed`) are judged from what was read; other events at or before the cursor
 * (creations found by search, or carried without their row's shape) are looked up.
 */
function remove(
  database: Db,
  rows: readonly [number, string, string | null, string | null][],
  packed: ReadonlyMap<number, [unknown, unknown]>,
  gone: ReadonlySet<number>,
  cursor: number,
  whole: number[],
  ownCreation: (seq: number) => void,
): void {
  const db = preparedOnce(database);
  const rewrite = db.prepare<[number, string, string, number]>(
    'UPDATE events SET seq = ?, kind = ?, data = ? WHERE seq = ?',
  );
  for (const [seq, kind] of rows) {
    if (kind !== PACKED_EVENTS) {
      if (gone.has(seq)) whole.push(seq);
      continue;
    }
    const first = gone.has(seq - 1);
    const second = gone.has(seq);
    if (first && second) whole.push(seq);
    else if (second) {
      rewrite.run(seq - 1, CREATED, JSON.stringify(packed.get(seq)![0]), seq);
      ownCreation(seq - 1);
    } else if (first) rewrite.run(seq, DELETED, JSON.stringify(packed.get(seq)![1]), seq);
  }
  const earlier = [...gone].filter((seq) => seq <= cursor).sort((a, b) => a - b);
  if (earlier.length > 0) {
    const rowsAround = db.prepare<[number, number], { seq: number; kind: string; data: string }>(
      'SELECT seq, kind, data FROM events WHERE seq IN (?, ?) ORDER BY seq',
    );
    const done = new Set<number>();
    for (const seq of earlier) {
      if (done.has(seq)) continue;
      // A packed row holding `seq` is keyed seq (its second event) or seq + 1 (its first); one
      // keyed after the cursor was read and judged above.
      if (seq === cursor && packed.has(seq + 1)) continue;
      const row = rowsAround.all(seq, seq + 1).find((around) => around.kind === PACKED_EVENTS);
      if (!row) {
        whole.push(seq);
        continue;
      }
      const other = row.seq === seq ? seq - 1 : seq + 1;
      done.add(other);
      if (gone.has(other)) {
        whole.push(row.seq);
        continue;
      }
      const [first, second] = JSON.parse(row.data) as [unknown, unknown];
      if (other < row.seq) rewrite.run(other, CREATED, JSON.stringify(first), row.seq);
      else rewrite.run(other, DELETED, JSON.stringify(second), row.seq);
    }
  }
  if (whole.length === 0) return;
  db.prepare<[string]>('DELETE FROM events WHERE seq IN (SELECT value FROM json_each(?))').run(
    JSON.stringify(whole),
  );
}
