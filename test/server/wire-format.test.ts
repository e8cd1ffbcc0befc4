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

/** REQUEST as written on a fresh connection; the raw answer, up to the end of its body. */
function exchange(url: string, request: string): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      text += chunk;
      const end = text.indexOf('\r\n\r\n');
      const length = /\r\nContent-Length: (\d+)\r\n/i.exec(text.slice(0, end + 2));
      if (end >= 0 && length && text.length >= end + 4 + Number(length[1])) {
        socket.end();
        resolve(text.replace(/\r\nDate: [^\r]+/, '\r\nDate: (date)'));
      }
    });
    socket.on('error', reject);
    socket.write(request);
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

/**
 * Write answers on the wire: 201 and 202 with `Location`, the engine's and the HTTP layer's
 * problems, and `Idempotency-Key` answers and replays. Their header lines (names as written,
 * order, the length's spelling) are what clients of the earlier releases read; the bodies are
 * the engine's JSON, as a later read of the same resource gives it.
 */
describe.each([
  { name: 'without CORS', cors: undefined },
  { name: 'with CORS', cors: 'https://app.example' },
])('write answers on the wire, $name', ({ cors }) => {
  let server: RunningServer;
  const origin = cors ? `Origin: ${cors}\r\n` : '';
  const time = 'x-drsim-time: 2026-01-05T00:00:00.000Z';
  const keepAlive = ['Date: (date)', 'Connection: keep-alive', 'Keep-Alive: timeout=5'];
  const closing = ['Date: (date)'];
  /** A request with a JSON body (or `type`'s), as a client writes it; `auth` false leaves out the token. */
  const send = (
    method: string,
    path: string,
    text: string | undefined,
    extra = '',
    type = 'application/json',
    auth = true,
  ) =>
    exchange(
      server.url,
      `${method} ${path} HTTP/1.1\r\nHost: localhost\r\n${auth ? `Authorization: Bearer ${TOKEN}\r\n` : ''}${origin}${extra}${text === undefined ? '' : `Content-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(text)}\r\n`}\r\n${text ?? ''}`,
    );
  /** The header lines of an answer: with CORS, hono's cors copy sorts them and spells the length in lower case. */
  const lines = (status: string, headers: string[], length: number, end = keepAlive, lengthAsIs = false) => {
    if (!cors) return [status, ...headers, `Content-Length: ${length}`, ...end];
    const sorted = [
      `access-control-allow-origin: ${cors}`,
      'access-control-expose-headers: Location,Retry-After,X-Drsim-Time,WWW-Authenticate,Allow',
      ...headers,
      'vary: Origin',
    ].sort();
    return [
      status,
      ...sorted,
      lengthAsIs ? `Content-Length: ${length}` : `content-length: ${length}`,
      ...end,
    ];
  };
  const get = (path: string) =>
    fetch(`${server.url}${path}`, { headers: { Authorization: `Bearer ${TOKEN}` } }).then((res) =>
      res.text(),
    );
  const problem = (
    code: string,
    status: number,
    title: string,
    detail: string,
    instance: string,
    extensions = {},
  ) =>
    JSON.stringify({
      ...extensions,
      type: `urn:drsim:problem:${code}`,
      title,
      status,
      detail,
      code,
      instance,
    });

  let serverId = '';
  let pairId = '';
  beforeAll(async () => {
    server = await startServer({ port: 0, seed: 5, logger: silentLogger, ...(cors ? { cors } : {}) });
    await fetch(`${server.url}/_sim/progression`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ default: 'immediate' }),
    });
  });
  afterAll(() => server.close());

  it('a create: 201, its Location, and the server as a read gives it', async () => {
    const answer = await send('POST', '/v1/servers', JSON.stringify({ name: 'wire-é', region: 'HCM-3' }));
    const text = Buffer.from(body(answer), 'latin1').toString('utf8');
    serverId = String(JSON.parse(text).id);
    expect(head(answer)).toEqual(
      lines(
        'HTTP/1.1 201 Created',
        ['content-type: application/json', `location: /v1/servers/${serverId}`, time],
        Buffer.byteLength(text),
      ),
    );
    expect(text).toBe(await get(`/v1/servers/${serverId}`));
  });

  it('actions: 202, the job’s Location, and the job as a read gives it; with a body, `{}` or none', async () => {
    const attached = await send(
      'POST',
      '/v1/dr-pairs',
      JSON.stringify({
        mainServerId: serverId,
        shadow: { region: 'HAN-1', vpcId: 'vpc-dr', subnetId: 'subnet-dr-a' },
      }),
    );
    pairId = String(JSON.parse(body(attached)).id);
    expect(head(attached)[0]).toBe('HTTP/1.1 201 Created');
    for (const [action, text] of [
      ['start-replication', JSON.stringify({ shadowName: 'wire-shadow', intervalHours: 1 })],
      ['stop-replication', '{}'],
      ['resume-replication', undefined],
    ] as const) {
      const answer = await send(
        'POST',
        `/v1/dr-pairs/${pairId}/${action}`,
        text,
        text === undefined ? 'Content-Length: 0\r\n' : '',
      );
      const job = JSON.parse(body(answer)) as { id: string; status: string };
      expect(job.status).toBe('SUCCEEDED');
      expect(head(answer)).toEqual(
        lines(
          'HTTP/1.1 202 Accepted',
          ['content-type: application/json', `location: /v1/jobs/${job.id}`, time],
          Buffer.byteLength(body(answer), 'latin1'),
        ),
      );
      expect(body(answer)).toBe(await get(`/v1/jobs/${job.id}`));
    }
  });

  it('the engine’s refusals and the validators’: problem documents with the same lines', async () => {
    const cases: [string, string, string | undefined, string, string][] = [
      [
        'POST',
        `/v1/dr-pairs/${pairId}/resume-replication`,
        '{}',
        'HTTP/1.1 409 Conflict',
        problem(
          'INVALID_STATE',
          409,
          'Conflict',
          "'resumeReplication' is not allowed while the pair is Replicating (REPLICATING).",
          `/v1/dr-pairs/${pairId}/resume-replication`,
          {
            testFailover: 'NONE',
            allowedActions: ['stopReplication', 'restartReplication', 'testFailover', 'failover', 'detach'],
            action: 'resumeReplication',
            pairStatus: 'REPLICATING',
          },
        ),
      ],
      [
        'POST',
        '/v1/dr-pairs/drp-nope/stop-replication',
        '{}',
        'HTTP/1.1 404 Not Found',
        problem(
          'PAIR_NOT_FOUND',
          404,
          'Not Found',
          "No DR pair 'drp-nope' in this tenant.",
          '/v1/dr-pairs/drp-nope/stop-replication',
          {
            pairId: 'drp-nope',
          },
        ),
      ],
      [
        'POST',
        '/v1/servers',
        '{"name":1}',
        'HTTP/1.1 400 Bad Request',
        problem(
          'VALIDATION_FAILED',
          400,
          'Bad Request',
          'The request is not valid (body name: Invalid input: expected string, received number).',
          '/v1/servers',
          {
            errors: [
              { in: 'body', path: 'name', message: 'Invalid input: expected string, received number' },
              { in: 'body', path: 'region', message: 'Invalid input: expected string, received undefined' },
            ],
          },
        ),
      ],
      [
        'POST',
        `/v1/dr-pairs/${pairId}/stop-replication`,
        '{"force":true}',
        'HTTP/1.1 400 Bad Request',
        problem(
          'VALIDATION_FAILED',
          400,
          'Bad Request',
          'The request is not valid (body: Unrecognized key: "force").',
          `/v1/dr-pairs/${pairId}/stop-replication`,
          { errors: [{ in: 'body', path: '', message: 'Unrecognized key: "force"' }] },
        ),
      ],
      [
        'POST',
        '/v1/servers',
        '{"name":',
        'HTTP/1.1 400 Bad Request',
        problem('MALFORMED_JSON', 400, 'Bad Request', 'The request body is not valid JSON.', '/v1/servers'),
      ],
    ];
    for (const [method, path, text, status, expected] of cases) {
      const answer = await send(method, path, text);
      expect(body(answer)).toBe(expected);
      expect(head(answer)).toEqual(
        lines(status, ['content-type: application/problem+json', time], Buffer.byteLength(expected)),
      );
    }
  });

  it('refused before the route: 401, 413 and 415 close the connection', async () => {
    const unauthorized = await send('POST', '/v1/servers', '{}', '', 'application/json', false);
    expect(body(unauthorized)).toBe(
      problem('UNAUTHORIZED', 401, 'Unauthorized', 'A bearer token is required.', '/v1/servers'),
    );
    const tooLarge = await send(
      'POST',
      '/v1/servers',
      undefined,
      'Content-Type: application/json\r\nContent-Length: 2000000\r\n',
    );
    expect(body(tooLarge)).toBe(
      problem(
        'PAYLOAD_TOO_LARGE',
        413,
        'Content Too Large',
        'The request body is over 1048576 bytes.',
        '/v1/servers',
        {
          limit: 1048576,
        },
      ),
    );
    const otherMedia = await send('POST', '/v1/servers', 'name=x', '', 'text/plain');
    expect(body(otherMedia)).toBe(
      problem(
        'UNSUPPORTED_MEDIA_TYPE',
        415,
        'Unsupported Media Type',
        'Request bodies must be application/json, not text/plain.',
        '/v1/servers',
      ),
    );
    expect(head(tooLarge)).toEqual(
      lines(
        'HTTP/1.1 413 Payload Too Large',
        ['connection: close', 'content-type: application/problem+json', time],
        Buffer.byteLength(body(tooLarge)),
        closing,
      ),
    );
    expect(head(otherMedia)).toEqual(
      lines(
        'HTTP/1.1 415 Unsupported Media Type',
        ['connection: close', 'content-type: application/problem+json', time],
        Buffer.byteLength(body(otherMedia)),
        closing,
      ),
    );
  });

  it('the journal keeps each write’s body and summarises its answer: key fields, or the problem’s code', async () => {
    const entries = (
      (await fetch(`${server.url}/_sim/requests`, { headers: { Authorization: `Bearer ${TOKEN}` } }).then(
        (res) => res.json(),
      )) as {
        items: {
          method: string;
          path: string;
          status: number;
          body?: unknown;
          bodyLength?: number;
          response?: { code?: string; body?: { id?: string; status?: string; type?: string } };
        }[];
      }
    ).items;
    const create = entries.find((e) => e.method === 'POST' && e.path === '/v1/servers' && e.status === 201);
    expect(create?.body).toEqual({ name: 'wire-é', region: 'HCM-3' });
    expect(create?.response?.body?.id).toBe(serverId);
    const stop = entries.find(
      (e) => e.path === `/v1/dr-pairs/${pairId}/stop-replication` && e.status === 202,
    );
    expect(stop?.body).toEqual({});
    expect(stop?.bodyLength).toBe(2);
    expect(Object.keys(stop ?? {})).toEqual([
      'seq',
      'simTime',
      'method',
      'path',
      'query',
      'status',
      'durationMs',
      'tenant',
      'idempotencyKey',
      'bodyLength',
      'body',
      'response',
    ]);
    expect(stop?.response?.body).toMatchObject({ type: 'stopReplication', status: 'SUCCEEDED' });
    const refused = entries.find(
      (e) => e.path === `/v1/dr-pairs/${pairId}/resume-replication` && e.status === 409,
    );
    expect(refused?.response).toEqual({ code: 'INVALID_STATE' });
    const invalid = entries.find((e) => e.path === '/v1/servers' && e.status === 400);
    expect(invalid?.response).toEqual({ code: 'VALIDATION_FAILED' });
  });

  it('Idempotency-Key: the first answer, its replay, and a reused key', async () => {
    const text = JSON.stringify({ name: 'idem', region: 'HCM-3' });
    const first = await send('POST', '/v1/servers', text, 'Idempotency-Key: k-create\r\n');
    const id = String(JSON.parse(body(first)).id);
    const headers = ['content-type: application/json', `location: /v1/servers/${id}`, time];
    // The first answer is read for keeping: @hono/node-server writes the length it counted.
    expect(head(first)).toEqual(
      cors
        ? lines('HTTP/1.1 201 Created', headers, Buffer.byteLength(body(first)))
        : [
            'HTTP/1.1 201 Created',
            ...headers,
            `content-length: ${Buffer.byteLength(body(first))}`,
            ...keepAlive,
          ],
    );
    const replay = await send('POST', '/v1/servers', text, 'Idempotency-Key: k-create\r\n');
    expect(body(replay)).toBe(body(first));
    expect(head(replay)).toEqual(lines('HTTP/1.1 201 Created', headers, Buffer.byteLength(body(first))));
    const reused = await send(
      'POST',
      '/v1/servers',
      JSON.stringify({ name: 'other', region: 'HCM-3' }),
      'Idempotency-Key: k-create\r\n',
    );
    const expected = problem(
      'IDEMPOTENCY_KEY_REUSED',
      422,
      'Unprocessable Content',
      "Idempotency-Key 'k-create' was first used for POST /v1/servers with another request; use a new key for a new request.",
      '/v1/servers',
      { firstRequest: { method: 'POST', path: '/v1/servers' } },
    );
    expect(body(reused)).toBe(expected);
    expect(head(reused)).toEqual(
      lines(
        'HTTP/1.1 422 Unprocessable Entity',
        ['content-type: application/problem+json', time],
        Buffer.byteLength(expected),
      ),
    );

    const action = await send(
      'POST',
      `/v1/dr-pairs/${pairId}/stop-replication`,
      '{}',
      'Idempotency-Key: k-stop\r\n',
    );
    const again = await send(
      'POST',
      `/v1/dr-pairs/${pairId}/stop-replication`,
      '{}',
      'Idempotency-Key: k-stop\r\n',
    );
    expect(body(again)).toBe(body(action));
    const job = JSON.parse(body(action)) as { id: string };
    expect(head(again)).toEqual(
      lines(
        'HTTP/1.1 202 Accepted',
        ['content-type: application/json', `location: /v1/jobs/${job.id}`, time],
        Buffer.byteLength(body(action)),
      ),
    );
  });
});
