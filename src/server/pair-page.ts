/**
 * A page of pairs as JSON bytes that can be re-rendered for a later clock time without being
 * built again. Of a pair's view only `replication.rpoSeconds` moves with the clock alone
 * (`rpoSecondsAt`, src/sim/pairs.ts); everything else changes only with the world's content
 * (`contentVersion()`). A realtime clock commits a move every 250 ms, and building a page of 100
 * pairs from the rows takes ~1.5 ms: with every page stale at once after each move, a server
 * polled for its pages spent most of its time rebuilding them (docs/performance.md, "List pages
 * with a realtime clock, fourth round"). A re-render copies the page's fixed parts and writes
 * the new numbers between them.
 */
import { rpoSecondsAt } from '../sim/pairs.js';
import type { DrPair, Page } from '../sim/types.js';
import { type JsonBytes, jsonBytes, SUMMARY_TEXT_LIMIT } from './plain-answer.js';

/** What `rpoSeconds` holds while the page is stringified: found again by its JSON text. */
const MARK = '\u0000drsim:rpoSeconds\u0000';
const MARK_JSON = JSON.stringify(MARK);

export interface PairPageTemplate {
  /** The page's JSON around each clock-derived number, encoded: one more than `lastMs`. */
  readonly pieces: readonly Uint8Array[];
  /** The last recovery point's time of each pair with one, in page order. */
  readonly lastMs: readonly number[];
  readonly fixedBytes: number;
}

/**
 * The page's JSON and, when its clock-derived numbers could be found again in it, the template
 * that renders it at a later clock time. A page whose text holds the mark itself (a name could)
 * has no template, and is built again when the clock moves.
 */
export function pairPageJson(page: Page<DrPair>): RenderedPage & { template: PairPageTemplate | null } {
  const lastMs: number[] = [];
  const numbers: number[] = [];
  const marked: DrPair['replication'][] = [];
  for (const { replication } of page.items) {
    if (replication.lastRecoveryPointAt === null || replication.rpoSeconds === null) continue;
    lastMs.push(Date.parse(replication.lastRecoveryPointAt));
    numbers.push(replication.rpoSeconds);
    marked.push(replication);
    (replication as { rpoSeconds: unknown }).rpoSeconds = MARK;
  }
  const texts = JSON.stringify(page).split(MARK_JSON);
  marked.forEach((replication, i) => {
    replication.rpoSeconds = numbers[i] ?? null;
  });
  if (texts.length !== lastMs.length + 1) {
    return { json: jsonBytes(JSON.stringify(page)), numbers, template: null };
  }
  const pieces = texts.map((text) => Buffer.from(text));
  const template = { pieces, lastMs, fixedBytes: pieces.reduce((sum, piece) => sum + piece.byteLength, 0) };
  return { json: render(template, numbers), numbers, template };
}

/**
 * The page `template` holds, with each `rpoSeconds` as the clock reads `nowMs`: `last`, the
 * page it rendered before, when none of them changed (they count whole seconds, and a realtime
 * clock moves four times a second).
 */
export function renderPairPage(template: PairPageTemplate, nowMs: number, last: RenderedPage): RenderedPage {
  const numbers = template.lastMs.map((lastMs) => rpoSecondsAt(lastMs, nowMs));
  if (numbers.every((n, i) => n === last.numbers[i])) return last;
  return { json: render(template, numbers), numbers };
}

export interface RenderedPage {
  readonly json: JsonBytes;
  /** Its `rpoSeconds`, in template order. */
  readonly numbers: readonly number[];
}

function render(template: PairPageTemplate, numbers: readonly number[]): JsonBytes {
  const { pieces } = template;
  // An integer's JSON is its String.
  const texts = numbers.map(String);
  let size = template.fixedBytes;
  for (const text of texts) size += text.length;
  const bytes = Buffer.allocUnsafe(size);
  let at = 0;
  pieces.forEach((piece, i) => {
    bytes.set(piece, at);
    at += piece.byteLength;
    const text = texts[i];
    if (text !== undefined) at += bytes.write(text, at, 'latin1');
  });
  // As `jsonBytes`: the text only when a journal may summarise it (UTF-8 takes ≤ 3 bytes a unit).
  let text: string | undefined;
  if (size <= 3 * SUMMARY_TEXT_LIMIT) {
    text = bytes.toString('utf8');
    if (text.length > SUMMARY_TEXT_LIMIT) text = undefined;
  }
  return { bytes, text };
}
