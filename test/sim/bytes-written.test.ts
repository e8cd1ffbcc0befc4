/**
 * Billing's fallback read of the bytes a server wrote between two data versions walks the files'
 * primary key path by path (accounts.ts, BYTES_WRITTEN_SQL; migration 11 dropped the index by
 * server and version). Over random files it answers what the plain sum over the range answers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BYTES_WRITTEN_SQL, type BytesWrittenRange } from '../../src/sim/accounts.js';
import { openStore } from '../../src/sim/store.js';

const file = fc.record({
  server: fc.constantFrom('srv-a', 'srv-b', 'srv-c'),
  path: fc.constantFrom('a', 'a/b', 'b', 'é.txt', 'workload/file-1.txt', 'z'),
  version: fc.integer({ min: 0, max: 12 }),
  content: fc.option(fc.string({ unit: 'grapheme', maxLength: 6 }), { nil: null }),
});

describe('the bytes written between two versions', () => {
  it('are the sum over the range, path by path', () => {
    const store = openStore(':memory:');
    const insert = store.db.prepare(
      'INSERT OR REPLACE INTO files (server_id, path, version, content, checksum, written_at_ms) VALUES (?, ?, ?, ?, NULL, 0)',
    );
    const walked = store.db.prepare<[BytesWrittenRange], number>(BYTES_WRITTEN_SQL).pluck();
    const plain = store.db
      .prepare<[string, number, number], number>(
        'SELECT COALESCE(SUM(length(CAST(content AS BLOB))), 0) FROM files WHERE server_id = ? AND version > ? AND version <= ?',
      )
      .pluck();
    try {
      fc.assert(
        fc.property(
          fc.array(file, { maxLength: 40 }),
          fc.constantFrom('srv-a', 'srv-b', 'srv-c', 'srv-none'),
          fc.integer({ min: -1, max: 13 }),
          fc.integer({ min: -1, max: 13 }),
          (files, server, from, to) => {
            store.db.exec('DELETE FROM files');
            for (const f of files) insert.run(f.server, f.path, f.version, f.content);
            expect(walked.get({ server, after: from, upTo: to })).toBe(plain.get(server, from, to));
          },
        ),
        { numRuns: 300 },
      );
    } finally {
      store.close();
    }
  });
});
