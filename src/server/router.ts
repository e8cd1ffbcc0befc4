/**
 * The app's router: hono's TrieRouter (the one hono's default SmartRouter settles on for drsim's
 * routes: its RegExpRouter cannot compile `POST /v1/dr-pairs/batch` beside
 * `/v1/dr-pairs/:id/start-replication`), with the matches it made kept by method and path.
 * Clients ask for the same few paths again and again (a job polled until it ends, a pair's
 * actions, a list page), and the trie's walk over ~90 routes and a dozen middleware patterns,
 * with the sort of what it found, was a few per cent of a cached read (docs/performance.md).
 * A match depends on nothing but the method, the path and the routes, so a kept one is the same
 * answer; hono only reads it (the trie makes new parameter objects on every match, so a kept
 * result is never written by a later one).
 */
import type { Result, Router } from 'hono/router';
import { TrieRouter } from 'hono/router/trie-router';

/** Distinct method and path pairs kept; past that the memory starts over (a scan of ids, say). */
const KEPT_MATCHES = 1024;

export class KeptMatchRouter<T> implements Router<T> {
  readonly name = 'KeptMatchRouter';
  readonly #trie = new TrieRouter<T>();
  readonly #kept = new Map<string, Result<T>>();

  add(method: string, path: string, handler: T): void {
    this.#trie.add(method, path, handler);
    this.#kept.clear();
  }

  match(method: string, path: string): Result<T> {
    const key = `${method} ${path}`;
    let result = this.#kept.get(key);
    if (result === undefined) {
      result = this.#trie.match(method, path);
      if (this.#kept.size >= KEPT_MATCHES) this.#kept.clear();
      this.#kept.set(key, result);
    }
    return result;
  }
}
