/**
 * The floor of the simulation benchmarks: plain better-sqlite3 executing the very write
 * statements the engine executed — same SQL, same arguments, same transactions — on a database
 * opened like the engine's (openStore: same schema, pragmas and file settings), with no logic at
 * all. The engine's reads and its JavaScript are what the floor leaves out.
 *
 * How: while recording, every `Statement#run` of any connection is captured (SQL and arguments)
 * and every outermost transaction's end is marked. At each mark the captured writes are replayed
 * on the floor's connection in one transaction, timed; that replay time is subtracted from the
 * engine's wall time by the caller (`excludedMs`), so the engine is timed without the floor's
 * work, though with the small capture cost (a push per write) left in, against it.
 */
import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { openStore } from '../../src/sim/store.js';

type Args = unknown[];
type Run = (this: Database.Statement, ...args: Args) => Database.RunResult;

const probe = new Database(':memory:');
const statementProto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as { run: Run };
probe.close();
const originalRun = statementProto.run;
/** Transaction control and pragmas: the floor has its own transactions and opened like the engine's. */
const CONTROL = /^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|PRAGMA)\b/i;
const originalTransaction = Database.prototype.transaction;

export interface FloorRecorder {
  /** Milliseconds spent replaying on the floor while the engine ran: subtract from its wall time. */
  readonly excludedMs: number;
  /** Floor time and CPU of the timed phase only. */
  readonly floorMs: number;
  readonly floorCpuMs: number;
  readonly writes: number;
  /** Whether replayed writes count toward the floor (false while the engine is being set up). */
  timed: boolean;
  stop(): void;
}

/** Starts capturing; writes are replayed on a fresh store at `file` (removed by `stop`). */
export function recordFloor(file: string): FloorRecorder {
  if (file !== ':memory:') rmSync(file, { force: true });
  const floor = openStore(file).db;
  const floorCache = new Map<string, Database.Statement>();
  const begin = floor.prepare('BEGIN IMMEDIATE');
  const commit = floor.prepare('COMMIT');
  let ops: { sql: string; args: Args }[] = [];
  let depth = 0;
  let replaying = false;
  const state = { excludedMs: 0, floorMs: 0, floorCpuMs: 0, writes: 0, timed: false };

  const replay = () => {
    if (ops.length === 0) return;
    const batch = ops;
    ops = [];
    replaying = true;
    // The two `cpuUsage` calls are the recorder's, neither the engine's nor the floor's: under
    // load each took 0.15-0.4 ms of wall on average (a syscall, where a busy machine preempts),
    // and the second one used to count as the engine's time (docs/performance.md, seventh round).
    const x0 = performance.now();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    originalRun.call(begin);
    for (const { sql, args } of batch) {
      let statement = floorCache.get(sql);
      if (!statement) {
        statement = floor.prepare(sql);
        floorCache.set(sql, statement);
      }
      originalRun.apply(statement, args);
    }
    originalRun.call(commit);
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    replaying = false;
    state.excludedMs += performance.now() - x0;
    if (state.timed) {
      state.floorMs += ms;
      state.floorCpuMs += (cpu.user + cpu.system) / 1000;
      state.writes += batch.length;
    }
  };

  statementProto.run = function run(this: Database.Statement, ...args: Args) {
    if (!replaying && this.database !== floor && !CONTROL.test(this.source))
      ops.push({ sql: this.source, args });
    return originalRun.apply(this, args);
  };
  Database.prototype.transaction = function transaction(
    this: Database.Database,
    fn: (...a: Args) => unknown,
  ) {
    return originalTransaction.call(this, function (this: unknown, ...args: Args) {
      depth++;
      try {
        return fn.apply(this, args);
      } finally {
        depth--;
        // Replayed after the engine's transaction body ends (its commit follows at once).
        if (depth === 0) replay();
      }
    } as typeof fn);
  } as typeof Database.prototype.transaction;

  return {
    get excludedMs() {
      return state.excludedMs;
    },
    get floorMs() {
      return state.floorMs;
    },
    get floorCpuMs() {
      return state.floorCpuMs;
    },
    get writes() {
      return state.writes;
    },
    get timed() {
      return state.timed;
    },
    set timed(value: boolean) {
      replay();
      state.timed = value;
    },
    stop() {
      replay();
      statementProto.run = originalRun;
      Database.prototype.transaction = originalTransaction;
      floor.close();
      if (file === ':memory:') return;
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
    },
  };
}
