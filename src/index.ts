/** drsim: a deterministic simulator and fake backend for server disaster recovery. */
export * from './machine/index.js';
export * from './sim/index.js';
