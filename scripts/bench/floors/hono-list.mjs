// List floors for the `scale` part: the libraries drsim uses (Hono, @hono/node-server,
// better-sqlite3) serving pages of one tenant's pairs with nothing else.
// `node hono-list.mjs memory|sqlite PORT DATA.json`; DATA holds `pairs` (every pair's view, in
// list order) and `limit`.
//   memory: GET /v1/dr-pairs?limit=&cursor= answers c.json of a page built in advance.
//   sqlite: the same page read from a table of every pair (keyset: seq > cursor LIMIT limit + 1,
//     one JSON body per row, as drsim stores them), parsed and answered with c.json.
import { readFileSync } from 'node:fs';
import { serve } from '@hono/node-server';
import Database from 'better-sqlite3';
import { Hono } from 'hono';

const [kind, port, dataFile] = process.argv.slice(2);
const { pairs, limit } = JSON.parse(readFileSync(dataFile, 'utf8'));
const TENANT = 'bench';
const encode = (position) => Buffer.from(String(position), 'utf8').toString('base64url');
const decode = (cursor) => (cursor ? Number(Buffer.from(cursor, 'base64url').toString('utf8')) : 0);
const app = new Hono();

if (kind === 'memory') {
  const pages = new Map();
  for (let start = 0; start < pairs.length; start += limit) {
    const items = pairs.slice(start, start + limit);
    const next = start + limit < pairs.length ? encode(start + limit) : null;
    pages.set(start, { items, nextCursor: next });
  }
  app.get('/v1/dr-pairs', (c) => c.json(pages.get(decode(c.req.query('cursor'))) ?? { items: [] }));
} else {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE pairs (seq INTEGER PRIMARY KEY, tenant TEXT, body TEXT)');
  db.exec('CREATE INDEX pairs_tenant ON pairs (tenant, seq)');
  const insert = db.prepare('INSERT INTO pairs (seq, tenant, body) VALUES (?, ?, ?)');
  db.transaction(() => {
    for (const [index, pair] of pairs.entries()) insert.run(index + 1, TENANT, JSON.stringify(pair));
  })();
  const page = db.prepare('SELECT seq, body FROM pairs WHERE tenant = ? AND seq > ? ORDER BY seq LIMIT ?');
  app.get('/v1/dr-pairs', (c) => {
    const size = Number(c.req.query('limit') ?? 50);
    const rows = page.all(TENANT, decode(c.req.query('cursor')), size + 1);
    const items = rows.slice(0, size);
    return c.json({
      items: items.map((row) => JSON.parse(row.body)),
      nextCursor: rows.length > size ? encode(items.at(-1).seq) : null,
    });
  });
}
serve({ fetch: app.fetch, port: Number(port), hostname: '127.0.0.1' });
