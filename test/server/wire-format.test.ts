/**
 * The bytes of read answers on a real socket: the status line, each header's name as written,
 * their order, and the body. Reads served from the read cache take a shortcut to the socket
 * (src/server/plain-answer.ts); a client must not be able to tell, with or without CORS, for GET
 * and HEAD, and the journal must summarise them as before.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/server/logger.js';
import { type RunningServer, startServer } from '../../src/server/serve.js';

const TOKEN = 'wire';

/** One request on a fresh connection; the raw answer, up to the end of its body. */
function raw(url: string, method: string, path: string, extra = ''): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      text += chunk;
      const end = text.indexOf('\r\n\r\n');
      const length = /\r\nContent-Length: (\d+)\r\n/i.exec(text.slice(0, end + 2));
      if (end >= 0 && (method === 'HEAD' || (length && text.length >= end + 4 + Number(length[1])))) {
        socket.end();
        resolve(text.replace(/\r\nDate: [^\r]+/, '\r\nDate: (date)'));
      }
    });
    socket.on('error', reject);
    socket.write(
      `${method} ${path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${TOKEN}\r\n${extra}\r\n`,
    );
  });
}

const head = (answer: string) => answer.slice(0, answer.indexOf('\r\n\r\n')).split('\r\n');
const body = (answer: string) => answer.slice(answer.indexOf('\r\n\r\n') + 4);

describe.each([
  { name: 'without CORS', cors: undefined },
  { name: 'with CORS', cors: 'https://app.example' },
])('read answers on the wire, $name', ({ cors }) => {
  let server: RunningServer;
  let jobId: string;
  const json = (path: string, init?: RequestInit) =>
    fetch(`${server.url}${path}`, {
      ...init,
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    }).then((res) => res.json() as Promise<Record<string, unknown>>);

  beforeAll(async () => {
    server = await startServer({ port: 0, seed: 5, logger: silentLogger, ...(cors ? { cors } : {}) });
    const main = await json('/v1/servers', {
      method: 'POST',
      body: JSON.stringify({ name: 'wire-é', region: 'HCM-3' }),
    });
    const pair = await json('/v1/dr-pairs', {
      method: 'POST',
      body: JSON.stringify({
        mainServerId: main.id,
        shadow: { region: 'HAN-1', vpcId: 'vpc-dr', subnetId: 'subnet-dr-a' },
      }),
    });
    const job = await json(`/v1/dr-pairs/${pair.id}/start-replication`, {
      method: 'POST',
      body: JSON.stringify({ shadowName: 'wire-shadow', intervalHours: 1 }),
    });
    jobId = String(job.id);
  });
  afterAll(() => server.close());

  // hono's cors middleware copies the answer into a full Response: its headers come out
  // lower-case and sorted, and @hono/node-server adds the length it read from the body stream.
  const exposed = 'access-control-expose-headers: Location,Retry-After,X-Drsim-Time,WWW-Authenticate,Allow';
  const time = 'x-drsim-time: 2026-01-05T00:00:00.000Z';
  const getLines = (length: number) =>
    cors
      ? [
          `access-control-allow-origin: ${cors}`,
          exposed,
          'content-type: application/json',
          'vary: Origin',
        ].concat([time, `content-length: ${length}`])
      : ['content-type: application/json', time, `Content-Length: ${length}`];
  const headLines = cors
    ? [exposed, 'content-type: application/json', 'vary: Origin', time]
    : ['content-type: application/json', time];

  it.each([
    ['the list', () => '/v1/dr-pairs?limit=100'],
    ['a job', () => `/v1/jobs/${jobId}`],
  ])('GET %s: the same header lines in the same order, and the engine’s JSON', async (_, path) => {
    for (const _time of [1, 2]) {
      // The second read is served from the read cache.
      const answer = await raw(server.url, 'GET', path(), cors ? `Origin: ${cors}\r\n` : '');
      const lines = head(answer);
      const length = Buffer.byteLength(body(answer), 'latin1');
      expect(lines).toEqual([
        'HTTP/1.1 200 OK',
        ...getLines(length),
        'Date: (date)',
        'Connection: keep-alive',
        'Keep-Alive: timeout=5',
      ]);
      const text = Buffer.from(body(answer), 'latin1').toString('utf8');
      expect(text).toBe(JSON.stringify(await json(path())));
    }
  });

  it('HEAD of the list: the GET answer’s headers without a body or its length', async () => {
    const answer = await raw(server.url, 'HEAD', '/v1/dr-pairs?limit=100');
    expect(head(answer)).toEqual([
      'HTTP/1.1 200 OK',
      ...headLines,
      'Date: (date)',
      'Connection: keep-alive',
      'Keep-Alive: timeout=5',
    ]);
  });

  it('the journal summarises a job read as the job’s key fields, and skips the list’s summary', async () => {
    await raw(server.url, 'GET', `/v1/jobs/${jobId}`);
    await raw(server.url, 'GET', '/v1/dr-pairs?limit=100');
    const entries = (await json('/_sim/requests')).items as {
      method: string;
      path: string;
      status: number;
      response?: { body?: { id?: string; status?: string } };
    }[];
    const jobRead = entries.filter((e) => e.method === 'GET' && e.path === `/v1/jobs/${jobId}`).at(-1);
    expect(jobRead?.status).toBe(200);
    expect(jobRead?.response?.body?.id).toBe(jobId);
    expect(jobRead?.response?.body?.status).toBe('RUNNING');
    const listRead = entries.filter((e) => e.path === '/v1/dr-pairs' && e.method === 'GET').at(-1);
    expect(listRead?.status).toBe(200);
  });
});
