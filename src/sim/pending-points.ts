/**
 * Recovery points the ticks of the running advance made and have not written yet (see
 * `Ctx.pendingPoints`). Each waiting row hangs on its point (`PointRef.pending`, the pair it
 * belongs to), so the tick that deletes the point before its own (nearly every tick of every pair)
 * forgets the row through the point it holds: a Map by id cost a hash-table insert and delete per
 * pair per tick, about half of taking a point. Rows are written in the order their points were
 * made, as before, each made from its point when it is written (an array of the row's nine
 * values per pair and tick lived until the next tick, long enough to be copied by a young
 * collection).
 */
import type { PointOwner, PointRef } from './context.js';

export class PendingPoints {
  /** Points with a row waiting, in the order they were made, and some whose row was dropped. */
  #refs: PointRef[] = [];
  #size = 0;

  /** How many rows wait. */
  get size(): number {
    return this.#size;
  }

  /** The point's row waits; its `sizeBytes` and `corrupt` are set. */
  add(ref: PointRef, owner: PointOwner): void {
    ref.pending = owner;
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

  /** The waiting point with this id (a scan: only for what no tick does). */
  find(id: string): PointRef | undefined {
    for (let i = this.#refs.length - 1; i >= 0; i--) {
      const ref = this.#refs[i] as PointRef;
      if (ref.id === id && ref.pending !== undefined) return ref;
    }
    return undefined;
  }

  /** Each waiting point, in the order the points were made. */
  forEach(fn: (ref: PointRef) => void): void {
    for (const ref of this.#refs) if (ref.pending !== undefined) fn(ref);
  }

  /** Hands every waiting point and its pair to `write` in order, and then none waits. */
  flush(write: (ref: PointRef, owner: PointOwner) => void): void {
    const refs = this.#refs;
    this.#refs = [];
    this.#size = 0;
    for (const ref of refs) {
      const owner = ref.pending;
      if (owner === undefined) continue;
      ref.pending = undefined;
      write(ref, owner);
    }
  }

  /** Forgets every waiting row (a rollback, an import: the points' lists are dropped too). */
  clear(): void {
    for (const ref of this.#refs) ref.pending = undefined;
    this.#refs = [];
    this.#size = 0;
  }
}
