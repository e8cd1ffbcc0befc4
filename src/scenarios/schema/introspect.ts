/**
 * Reading the scenario schema back (zod's definitions and the registry's metadata): which
 * schemas apply below a path, their descriptions and examples, and their types in words. The
 * parser's messages and docs/scenarios.md are written from these.
 */
import { z } from 'zod';
import type { Path } from '../yaml-source.js';

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  catchall?: z.ZodType;
  options?: z.ZodType[];
  entries?: Record<string, string>;
  values?: unknown[];
}

export const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The schema beneath optional, nullable, default and pipe wrappers. */
export function unwrap(schema: z.ZodType): z.ZodType {
  const def = defOf(schema);
  const inner = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
  return inner ? unwrap(inner) : schema;
}

export const isOptional = (schema: z.ZodType): boolean => defOf(schema).type === 'optional';

/** The schemas a value at `path` may have to match (several below a union). */
export function schemasAt(schema: z.ZodType, path: Path): z.ZodType[] {
  let current = [schema];
  for (const segment of path) {
    const next: z.ZodType[] = [];
    const visit = (s: z.ZodType): void => {
      const def = defOf(unwrap(s));
      if (def.type === 'union') def.options?.forEach(visit);
      else if (def.type === 'object') {
        const child =
          def.shape?.[String(segment)] ?? (typeof segment === 'string' ? def.catchall : undefined);
        if (child) next.push(child);
      } else if (def.type === 'array' && typeof segment === 'number' && def.element) next.push(def.element);
      else if (def.type === 'record' && def.valueType) next.push(def.valueType);
    };
    current.forEach(visit);
    current = next;
  }
  return current;
}

/** The keys an object at `path` may have. */
export function keysAt(schema: z.ZodType, path: Path): string[] {
  const keys = new Set<string>();
  const visit = (s: z.ZodType): void => {
    const def = defOf(unwrap(s));
    if (def.type === 'union') def.options?.forEach(visit);
    else if (def.type === 'object') for (const key of Object.keys(def.shape ?? {})) keys.add(key);
  };
  schemasAt(schema, path).forEach(visit);
  return [...keys];
}

export interface Meta {
  id?: string;
  description?: string;
  examples?: unknown[];
}

/** A schema's id, description and examples, looking through wrappers. */
export function metaOf(schema: z.ZodType): Meta {
  let s: z.ZodType | undefined = schema;
  const found: Meta = {};
  while (s) {
    const meta = z.globalRegistry.get(s) as Meta | undefined;
    found.id ??= meta?.id;
    found.description ??= meta?.description;
    found.examples ??= meta?.examples;
    const def = defOf(s);
    // A described copy (`.describe()`) keeps its original as `parent`, which holds the id.
    const parent: z.ZodType | undefined = (s as unknown as { _zod: { parent?: z.ZodType } })._zod.parent;
    s = parent ?? def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
  }
  return found;
}

const ID_WORDS: Record<string, string> = {
  Duration: 'duration',
  PairRef: 'pair',
  ServerRef: 'server',
  RecoveryPointRef: 'recovery point',
  JobRef: 'job',
  FaultRef: 'fault rule',
  Label: 'name',
  EventMatcher: 'event (kind and data)',
  ShadowPlacement: '{ region, vpc, subnet }',
};

/** A schema's type in a few words, e.g. `duration`, `list of status`, `SSD | NVMe`. */
export function typeWords(schema: z.ZodType): string {
  const { id } = metaOf(schema);
  if (id && ID_WORDS[id]) return ID_WORDS[id];
  const def = defOf(unwrap(schema));
  switch (def.type) {
    case 'string':
      return 'text';
    case 'number':
      return 'number';
    case 'boolean':
      return 'true | false';
    case 'null':
      return 'nothing';
    case 'enum': {
      const values = Object.values(def.entries ?? {});
      return values.length <= 6 ? values.join(' | ') : (id ?? 'one of a list');
    }
    case 'literal':
      return (def.values ?? []).map(String).join(' | ');
    case 'array':
      return `list of ${def.element ? typeWords(def.element) : 'values'}`;
    case 'union':
      return [...new Set((def.options ?? []).map(typeWords))].join(' or ');
    case 'record':
    case 'object':
      return 'mapping';
    default:
      return def.type;
  }
}
