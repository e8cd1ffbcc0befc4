/**
 * Recovery points the ticks of the running advance made and have not written yet (see
 * `Ctx.pendingPoints`). Each waiting row hangs on its point (`PointRef.pending`), so the tick that
 * deletes the point before its own (nearly every tick of every pair) forgets the row through the
 * point it holds: a Map by id cost a hash-table insert and delete per pair per tick, about half of
 * taking a point. Rows are written in the order their points were made, as before.
 */
import type { PendingPoint, PointRef } from './context.js';

export class PendingPoints {
  /** Points with a row waiting, in the order they were made, and some whose row was dropped. */
  #refs: PointRef[] = [];
  #size = 0;

  /** How many rows wait. */
  get size(): number {
    return this.#size;
  }

  add(ref: PointRef, row: PendingPoint): void {
    ref.pending = row;
    this.#refs.push(ref);
    this.#size++;
  }

  /** Forgets the point's waiting row; false when it has none (its row is written, or never was). */
  drop(ref: PointRef): boolean {
    if (ref.pending === undefined) return false;
    ref.pending = undefined;
    this.#size--;
    // Dropped points leave the list once they are most of it: its memory follows the rows waiting.
    if (this.#refs.length > 1024 && this.#size * 2 < this.#refs.length) {
      this.#refs = this.#refs.filter((r) => r.pending !== undefined);
    }
    return true;
  }

  /** The waiting row of the point with this id (a scan: only for what no tick does). */
  find(id: string): PendingPoint | undefined {
    for (let i = this.#refs.length - 1; i >= 0; i--) {
      const ref = this.#refs[i] as PointRef;
      if (ref.id === id && ref.pending !== undefined) return ref.pending;
    }
    return undefined;
  }

  /** Each waiting row, in the order the points were made. */
  forEach(fn: (row: PendingPoint) => void): void {
    for (const ref of this.#refs) if (ref.pending !== undefined) fn(ref.pending);
  }

  /** Hands every waiting row to `write` in order, and then none waits. */
  flush(write: (row: PendingPoint) => void): void {
    const refs = this.#refs;
    this.#refs = [];
    this.#size = 0;
    for (const ref of refs) {
      const row = ref.pending;
      if (row === undefined) continue;
      ref.pending = undefined;
      write(row);
    }
  }

  /** Forgets every waiting row (a rollback, an import: the points' lists are dropped too). */
  clear(): void {
    for (const ref of this.#refs) ref.pending = undefined;
    this.#refs = [];
    this.#size = 0;
  }
}
