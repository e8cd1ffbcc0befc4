/**
 * Shared helpers for the HTTP tests: an app around a fresh in-memory simulator, a `call`
 * that speaks JSON through `app.request` (no port), and the steps every scenario starts with.
 */
import { expect } from 'vitest';
import { type CreateAppOptions, createApp } from '../../src/server/app.js';
import type { Simulator } from '../../src/sim/contract.js';
import { createWorlds } from '../../src/sim/index.js';
import type { DrPair, RecoveryPoint, Server } from '../../src/sim/types.js';

export interface CallOptions {
  token?: string | null;
  body?: unknown;
  /** Sent as is, with no JSON encoding (for malformed bodies). */
  raw?: string;
  headers?: Record<string, string>;
}

// biome-ignore lint/suspicious/noExplicitAny: tests read response bodies loosely, as a client would.
type Loose = any;

export interface CallResult<T = Loose> {
  status: number;
  headers: Headers;
  body: T;
}

export type Call = <T = Loose>(method: string, path: string, options?: CallOptions) => Promise<CallResult<T>>;

export interface TestApp {
  /** Alice's world (the default token's). */
  sim: Simulator;
  app: ReturnType<typeof createApp>;
  call: Call;
}

export function makeApp(options: Partial<CreateAppOptions> & { seed?: number } = {}): TestApp {
  const { seed = 7, ...appOptions } = options;
  // One world per tenant, as served; `sim` is alice's (the default token's) world.
  const worlds = appOptions.sim ? undefined : createWorlds({ seed, wallClock: Date.now });
  const app = createApp({ ...appOptions, ...(worlds ? { worlds } : { sim: appOptions.sim }) });
  const call: Call = async (method, path, { token = 'alice', body, raw, headers = {} } = {}) => {
    const init: RequestInit = { method, headers: { ...headers } };
    const h = init.headers as Record<string, string>;
    if (token !== null) h.Authorization = `Bearer ${token}`;
    if (body !== undefined || raw !== undefined) {
      h['Content-Type'] ??= 'application/json';
      init.body = raw ?? JSON.stringify(body);
    }
    const res = await app.request(path, init);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON (the docs page); keep the text
    }
    return { status: res.status, headers: res.headers, body: parsed as Loose };
  };
  return {
    // Made on first use, as a request would make it.
    get sim() {
      return appOptions.sim ?? worlds!.get('alice');
    },
    app,
    call,
  };
}

/** Asserts an RFC 9457 problem document with the given status and code. */
export function expectProblem(result: CallResult, status: number, code?: string): void {
  expect(result.status, JSON.stringify(result.body)).toBe(status);
  expect(result.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(result.body).toMatchObject({ status, type: expect.any(String), title: expect.any(String) });
  expect(typeof result.body.code).toBe('string');
  expect(typeof result.body.detail).toBe('string');
  if (code) expect(result.body.code).toBe(code);
}

export const SHADOW = { region: 'HAN-1', vpcId: 'vpc-dr', subnetId: 'subnet-dr-a' };

export async function createServer(call: Call, name = 'web-01', token = 'alice'): Promise<Server> {
  const res = await call<Server>('POST', '/v1/servers', {
    token,
    body: { name, region: 'HCM-3', files: { 'etc/hostname': name, 'var/www/index.html': '<h1>v1</h1>' } },
  });
  expect(res.status).toBe(201);
  return res.body;
}

export async function attach(call: Call, mainServerId: string, token = 'alice'): Promise<DrPair> {
  const res = await call<DrPair>('POST', '/v1/dr-pairs', { token, body: { mainServerId, shadow: SHADOW } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** Advances the clock of the token's tenant's world. */
export async function advance(call: Call, by: string, token = 'alice'): Promise<void> {
  const res = await call('POST', '/_sim/clock/advance', { token, body: { by } });
  expect(res.status).toBe(200);
}

export async function act(call: Call, pairId: string, path: string, body?: unknown, token = 'alice') {
  return call('POST', `/v1/dr-pairs/${pairId}/${path}`, body === undefined ? { token } : { token, body });
}

/** A server, attached, replicating for `hours` hours with an interval of one hour. */
export async function replicatingPair(
  call: Call,
  token = 'alice',
  hours = 3,
): Promise<{ server: Server; pair: DrPair; points: RecoveryPoint[] }> {
  const server = await createServer(call, 'web-01', token);
  const pair = await attach(call, server.id, token);
  const started = await act(
    call,
    pair.id,
    'start-replication',
    { shadowName: 'web-01-shadow', intervalHours: 1 },
    token,
  );
  expect(started.status).toBe(202);
  await advance(call, `${hours}h`, token);
  const current = await call<DrPair>('GET', `/v1/dr-pairs/${pair.id}`, { token });
  expect(current.body.status).toBe('REPLICATING');
  const points = await call<{ items: RecoveryPoint[] }>('GET', `/v1/dr-pairs/${pair.id}/recovery-points`, {
    token,
  });
  return { server, pair: current.body, points: points.body.items };
}

/** The newest recovery point. */
export const latest = (points: RecoveryPoint[]): RecoveryPoint =>
  points.reduce((a, b) => (a.createdAt >= b.createdAt ? a : b));
export const oldest = (points: RecoveryPoint[]): RecoveryPoint =>
  points.reduce((a, b) => (a.createdAt <= b.createdAt ? a : b));
