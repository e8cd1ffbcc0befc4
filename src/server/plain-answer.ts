/**
 * JSON answers whose headers stay a plain object until @hono/node-server writes them. A header
 * set through `Response.headers` makes an undici `Headers` (validated, lower-cased, sorted), and
 * node-server then copies it back into an object for `writeHead`: for a cached read, that was a
 * fifth of its CPU. A plain answer holds its bytes (UTF-8 once, when cached) and an object that
 * the answer's later headers (`X-Drsim-Time`) are written into; its header lines come out the
 * same as the `Headers` way wrote them: lower-case names, `Content-Length` last.
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
  if (c.req.method === 'HEAD' || c.get('plainAnswers') === false || !readsHeadersLate()) {
    const text = json.text ?? Buffer.from(json.bytes).toString('utf8');
    return c.body(text, 200, { 'Content-Type': 'application/json' });
  }
  const headers = { 'content-type': 'application/json', 'Content-Length': String(json.bytes.byteLength) };
  const res: Marked = new Response(json.bytes, { status: 200, headers });
  res[PLAIN] = { type: 'application/json', text: json.text, headers };
  return res;
}

/** The plain answer `res` is, if it still is one. */
export const plainAnswerOf = (res: Response): PlainAnswer | undefined => (res as Marked)[PLAIN];

/** Sets a header of a plain answer: lower-case (as `Headers` writes it), before `Content-Length`. */
export function setPlainHeader(answer: PlainAnswer, name: string, value: string): void {
  const { headers } = answer;
  const length = headers['Content-Length'];
  delete headers['Content-Length'];
  headers[name.toLowerCase()] = value;
  if (length !== undefined) headers['Content-Length'] = length;
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
