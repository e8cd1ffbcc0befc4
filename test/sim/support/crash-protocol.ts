/**
 * What test/sim/crash.test.ts and its child process (crash-worker.ts) agree on: the tenant the
 * worker uses, and the lines it prints. `READY <now>` once the file is open; `ACK <n> <what>
 * <args…>` after a call returned (its transaction committed); `DONE` when it ran out of calls
 * without being killed. Errors go to stderr (and the worker exits 1).
 *
 * ACK kinds: `server <id>`, `pair <id>`, `job <id> <action>`, `clock <now>`,
 * `file <serverId> <path> <checksum>`, `workload <serverId>`, `power <serverId> <state>`,
 * `fault <ruleId>`, `unfault <ruleId>`.
 */
export const CRASH_TENANT = 'crash';
