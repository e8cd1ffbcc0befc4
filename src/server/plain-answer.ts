/**
 * JSON answers whose headers stay a plain object until @hono/node-server writes them. A header
 * set through `Response.headers` makes an undici `Headers` (validated, lower-cased, sorted), and
 * node-server then copies it back into an object for `writeHead`: for a cached read, that was a
 * fifth of its CPU. A plain answer holds its bytes (UTF-8 once, when cached; a write's text) and
 * an object that the answer's later headers (`X-Drsim-Time`) are written into; its header lines
 * come out the same as the `Headers` way wrote them: lower-case names in order, `Content-Length`
 * last. Cached reads (`jsonAnswer`) and the hot writes with their `Location` (`jsonValueAnswer`:
 * pair actions, creates, attaches) answer so.
 *
 * Only where the `Response` in use reads its headers when it is written (node-server's, once it
 * serves): elsewhere (`app.request()`, another server), for HEAD (hono copies the GET answer) and
 * where a middleware made the Response before the route (`plainAnswers` false: cors), the answer
 * is made as before.
 * Anything that must look at such an answer's headers asks `settledHeaders(res)`, which returns it
 * to the `Headers` way exactly as it would have been.
 */
import type { Context } from 'hono';
import type { AppEnv } from './app-env.js';

/** A serialised JSON document: its bytes, and its text when short enough to be summarised. */
export interface JsonBytes {
  bytes: Uint8Array;
  /** The text, when a journal may summarise it (`SUMMARY_TEXT_LIMIT`); undefined otherwise. */
  text: string | undefined;
}

/** Longer answers are not summarised by the journal (its `MAX_SUMMARIZED_ANSWER`). */
export const SUMMARY_TEXT_LIMIT = 16 * 1024;

export function jsonBytes(text: string): JsonBytes {
  return { bytes: Buffer.from(text), text: text.length > SUMMARY_TEXT_LIMIT ? undefined : text };
}

export interface PlainAnswer {
  readonly type: string;
  /** As `JsonBytes.text`: undefined when too long to be summarised. */
  readonly text: string | undefined;
  readonly headers: Record<string, string>;
}

/** Kept on the Response itself: a WeakMap entry per read was a cost of its own to the GC. */
const PLAIN = Symbol('plainAnswer');
type Marked = Response & { [PLAIN]?: PlainAnswer | undefined };
const lazyHeaders = new WeakMap<typeof Response, boolean>();

/** Whether `Response` reads a plain headers object when the answer is written, not when made. */
function readsHeadersLate(): boolean {
  const R = globalThis.Response;
  let late = lazyHeaders.get(R);
  if (late === undefined) {
    const headers: Record<string, string> = {};
    const probe = new R(null, { headers });
    headers['x-probe'] = '1';
    late = probe.headers.get('x-probe') === '1';
    lazyHeaders.set(R, late);
  }
  return late;
}

/** A 200 JSON answer of `json`, as `c.body(text, 200, { 'Content-Type': 'application/json' })`. */
export function jsonAnswer(c: Context<AppEnv>, json: JsonBytes): Response {
  if (!servesPlain(c)) {
    const text = json.text ?? Buffer.from(json.bytes).toString('utf8');
    return c.body(text, 200, { 'Content-Type': 'application/json' });
  }
  return plainAnswer(json.bytes, json.bytes.byteLength, json.text, 'application/json', 200, undefined);
}

/**
 * A JSON answer of `value`, as `c.json(value, status, headers)` makes it: the same bytes and
 * header lines. `headers` are the route's own (`Location`), with values a `Headers` keeps as
 * they are (no surrounding whitespace, nothing it refuses).
 *
 * @example
 * return jsonValueAnswer(c, job, 202, { Location: `/v1/jobs/${job.id}` }) as never;
 */
export function jsonValueAnswer(
  c: Context<AppEnv>,
  value: unknown,
  status: number,
  headers?: Record<string, string>,
): Response {
  const text = JSON.stringify(value);
  if (!servesPlain(c)) {
    return c.body(text, status as never, { 'Content-Type': 'application/json', ...headers });
  }
  const summarised = text.length > SUMMARY_TEXT_LIMIT ? undefined : text;
  return plainAnswer(text, Buffer.byteLength(text), summarised, 'application/json', status, headers);
}

/** Whether this request's answer may be a plain one (see the module's comment). */
function servesPlain(c: Context<AppEnv>): boolean {
  return c.req.method !== 'HEAD' && c.get('plainAnswers') !== false && readsHeadersLate();
}

function plainAnswer(
  body: string | Uint8Array,
  length: number,
  text: string | undefined,
  type: string,
  status: number,
  extra: Record<string, string> | undefined,
): Response {
  let headers: Record<string, string> = { 'content-type': type };
  if (extra) {
    // Names in order (`content-type`, then `location`) are written as they come; others sorted.
    let last = 'content-type';
    let sorted = true;
    for (const name in extra) {
      const lower = name.toLowerCase();
      headers[lower] = extra[name] as string;
      if (lower < last) sorted = false;
      last = lower;
    }
    if (!sorted) headers = sortedByName(headers);
  }
  headers['Content-Length'] = String(length);
  const res: Marked = new Response(body, { status, headers });
  res[PLAIN] = { type, text, headers };
  return res;
}

/** The plain answer `res` is, if it still is one. */
export const plainAnswerOf = (res: Response): PlainAnswer | undefined => (res as Marked)[PLAIN];

/**
 * Sets a header of a plain answer where `Headers` would write it: lower case, in the order of the
 * names, before `Content-Length`.
 */
export function setPlainHeader(answer: PlainAnswer, name: string, value: string): void {
  const { headers } = answer;
  const length = headers['Content-Length'];
  delete headers['Content-Length'];
  const lower = name.toLowerCase();
  let inOrder = true;
  for (const key in headers) if (key > lower) inOrder = false;
  headers[lower] = value;
  // Names usually come in order (`x-drsim-time` last of all): only one that does not is sorted in.
  if (!inOrder) {
    const sorted = sortedByName(headers);
    for (const key in headers) delete headers[key];
    Object.assign(headers, sorted);
  }
  if (length !== undefined) headers['Content-Length'] = length;
}

function sortedByName(headers: Record<string, string>): Record<string, string> {
  const sorted: Record<string, string> = {};
  for (const key of Object.keys(headers).sort()) sorted[key] = headers[key] as string;
  return sorted;
}

/**
 * The headers of `res` as a `Headers` object; a plain answer becomes an ordinary one first, with
 * the headers it would have had (node-server adds `Content-Length` when it writes the answer).
 */
export function settledHeaders(res: Response): Headers {
  const answer = (res as Marked)[PLAIN];
  if (answer) {
    delete answer.headers['Content-Length'];
    (res as Marked)[PLAIN] = undefined;
  }
  return res.headers;
}
