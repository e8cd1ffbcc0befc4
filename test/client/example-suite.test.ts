/**
 * Runs examples/vitest-client-suite as part of `npm test` (vitest only collects test/**): the
 * example's describe blocks register here when its module loads. If examples/** is ever added
 * to vitest's include, delete this file so the example does not run twice.
 */
import '../../examples/vitest-client-suite/failover.test.js';
