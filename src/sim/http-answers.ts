/**
 * The answers the HTTP API gave to requests with an `Idempotency-Key` (src/server/idempotency.ts
 * decides what is kept and when one is replayed), stored in the world's database so that a
 * restart keeps them. Not part of the simulation's state: exports and snapshots leave them out,
 * and an import, a restored snapshot or a reset of the world forgets them.
 */
import type { AnswerStore } from './contract.js';
import type { Store } from './store.js';

export type { AnswerStore, KeptAnswer } from './contract.js';

interface Row {
  fingerprint: string;
  method: string;
  path: string;
  at_ms: number;
  status: number;
  body: string;
  headers: string;
}

export function answerStore(store: Store): AnswerStore {
  const { db } = store;
  const get = db.prepare<[string], Row>('SELECT * FROM http_answers WHERE scope = ?');
  const remove = db.prepare<[string]>('DELETE FROM http_answers WHERE scope = ?');
  const put = db.prepare(
    `INSERT INTO http_answers (scope, seq, fingerprint, method, path, at_ms, status, body, headers)
     VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM http_answers), ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (scope) DO UPDATE SET seq = excluded.seq, fingerprint = excluded.fingerprint,
       method = excluded.method, path = excluded.path, at_ms = excluded.at_ms,
       status = excluded.status, body = excluded.body, headers = excluded.headers`,
  );
  const expire = db.prepare<[number]>('DELETE FROM http_answers WHERE at_ms <= ?');
  const trim = db.prepare<[number]>(
    'DELETE FROM http_answers WHERE seq <= (SELECT MAX(seq) FROM http_answers) - ?',
  );
  return {
    recall(scope, nowMs, ttlMs) {
      const row = get.get(scope);
      if (!row) return undefined;
      if (nowMs - row.at_ms >= ttlMs) {
        remove.run(scope);
        return undefined;
      }
      return {
        fingerprint: row.fingerprint,
        method: row.method,
        path: row.path,
        atMs: row.at_ms,
        status: row.status,
        body: row.body,
        headers: JSON.parse(row.headers) as [string, string][],
      };
    },
    keep(scope, answer, ttlMs, capacity) {
      store.tx(() => {
        put.run(
          scope,
          answer.fingerprint,
          answer.method,
          answer.path,
          answer.atMs,
          answer.status,
          answer.body,
          JSON.stringify(answer.headers),
        );
        expire.run(answer.atMs - ttlMs);
        trim.run(capacity);
      });
    },
  };
}
