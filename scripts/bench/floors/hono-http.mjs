// HTTP floors: the libraries drsim uses (Hono, @hono/node-server, better-sqlite3) doing the same
// work with nothing else. `node hono-http.mjs memory|sqlite PORT DATA.json`.
//   memory: GET /v1/dr-pairs and GET /v1/jobs/:id answered with c.json from arrays in memory.
//   sqlite: GET /v1/dr-pairs reads the rows with a prepared statement; POST
//     /v1/dr-pairs/:id/:action runs one write transaction (read the pair, update it, insert a
//     job); POST /v1/servers parses the body and inserts the server in one transaction;
//     GET /v1/jobs/:id reads the job's row (the restarts of DATA and every action's job), so the
//     soak's mix runs on it too.
import { readFileSync } from 'node:fs';
import { serve } from '@hono/node-server';
import Database from 'better-sqlite3';
import { Hono } from 'hono';

const [kind, port, dataFile] = process.argv.slice(2);
const data = JSON.parse(readFileSync(dataFile, 'utf8'));
const TENANT = 'bench';
const app = new Hono();

if (kind === 'memory') {
  const jobs = new Map(data.jobs.map((job) => [job.id, job]));
  app.get('/v1/dr-pairs', (c) => c.json(data.pairsPage));
  app.get('/v1/jobs/:id', (c) => {
    const job = jobs.get(c.req.param('id'));
    return job ? c.json(job) : c.json({ code: 'JOB_NOT_FOUND' }, 404);
  });
} else {
  const db = new Database(':memory:');
  db.exec(`CREATE TABLE pairs (seq INTEGER PRIMARY KEY, id TEXT UNIQUE, tenant TEXT, status TEXT, body TEXT);
           CREATE TABLE jobs (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE, pair_id TEXT, body TEXT);
           CREATE TABLE servers (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE, tenant TEXT, body TEXT);`);
  const insertPair = db.prepare('INSERT INTO pairs (id, tenant, status, body) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    for (const pair of data.pairsPage.items)
      insertPair.run(pair.id, TENANT, pair.status, JSON.stringify(pair));
  })();
  const pairsPage = db.prepare(
    'SELECT seq, body FROM pairs WHERE tenant = ? AND seq > ? ORDER BY seq LIMIT ?',
  );
  const pairById = db.prepare('SELECT body FROM pairs WHERE id = ?');
  const updatePair = db.prepare('UPDATE pairs SET status = ?, body = ? WHERE id = ?');
  const insertJob = db.prepare('INSERT INTO jobs (id, pair_id, body) VALUES (?, ?, ?)');
  const insertServer = db.prepare('INSERT INTO servers (id, tenant, body) VALUES (?, ?, ?)');
  const jobById = db.prepare('SELECT body FROM jobs WHERE id = ?');
  db.transaction(() => {
    for (const job of data.jobs) insertJob.run(job.id, job.pairId, JSON.stringify(job));
  })();
  let next = 0;
  const act = db.transaction((pairId, action) => {
    const row = pairById.get(pairId);
    if (!row) return null;
    const pair = JSON.parse(row.body);
    pair.status = action === 'stop-replication' ? 'PAUSED' : 'REPLICATING';
    updatePair.run(pair.status, JSON.stringify(pair), pair.id);
    const job = { id: `job-${++next}`, type: action, pairId, status: 'SUCCEEDED', steps: [], error: null };
    insertJob.run(job.id, pairId, JSON.stringify(job));
    return job;
  });
  const create = db.transaction((input) => {
    const server = {
      id: `srv-${++next}`,
      name: input.name,
      region: input.region,
      flavor: 'general.2c4g',
      powerState: 'RUNNING',
      role: 'STANDALONE',
    };
    insertServer.run(server.id, TENANT, JSON.stringify(server));
    return server;
  });
  app.get('/v1/dr-pairs', (c) => {
    const rows = pairsPage.all(TENANT, 0, Number(c.req.query('limit') ?? 50));
    return c.json({ items: rows.map((row) => JSON.parse(row.body)), nextCursor: null });
  });
  app.get('/v1/jobs/:id', (c) => {
    const row = jobById.get(c.req.param('id'));
    return row ? c.json(JSON.parse(row.body)) : c.json({ code: 'JOB_NOT_FOUND' }, 404);
  });
  app.post('/v1/dr-pairs/:id/:action', async (c) => {
    await c.req.json();
    const job = act(c.req.param('id'), c.req.param('action'));
    return job ? c.json(job, 202) : c.json({ code: 'PAIR_NOT_FOUND' }, 404);
  });
  app.post('/v1/servers', async (c) => {
    const server = create(await c.req.json());
    return c.json(server, 201, { Location: `/v1/servers/${server.id}` });
  });
}
serve({ fetch: app.fetch, port: Number(port), hostname: '127.0.0.1' });
