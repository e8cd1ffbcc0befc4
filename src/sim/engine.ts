/** What every engine module works with: the context, the store and the prepared statements. */
import type { Ctx } from './context.js';
import type { Statements } from './rows.js';
import type { Store } from './store.js';

export interface Engine {
  ctx: Ctx;
  st: Statements;
  store: Store;
}
