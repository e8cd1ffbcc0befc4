/**
 * Zod's validation issues turned into messages a scenario author can act on: the field, what
 * was found, what to write instead (the closest valid key or value, or an example taken from
 * the schema's own description), at the file position of the field.
 */
import type { z } from 'zod';
import { defOf, keysAt, metaOf, schemasAt, unwrap } from './schema/introspect.js';
import { STEP_SPECS } from './schema/steps.js';
import { didYouMean } from './suggest.js';
import type { Path, Problem, YamlSource } from './yaml-source.js';

type Issue = z.core.$ZodIssue;

function hint(schema: z.ZodType, path: Path): string {
  for (const s of schemasAt(schema, path)) {
    const { description, examples } = metaOf(s);
    const example = examples?.length
      ? ` For example: ${examples.map((e) => JSON.stringify(e)).join(', ')}.`
      : '';
    if (description || example) return ` ${description ?? ''}${example}`.replace(/\s+/g, ' ').trimEnd();
  }
  return '';
}

export const pathText = (path: Path): string =>
  path.reduce<string>((text, s) => (typeof s === 'number' ? `${text}[${s}]` : text ? `${text}.${s}` : s), '');

function valueAt(value: unknown, path: Path): unknown {
  let v = value;
  for (const s of path)
    v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[s as string] : undefined;
  return v;
}

function describeValue(v: unknown): string {
  if (v === null) return 'nothing (null)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping (key: value)',
  array: 'a list',
  null: 'nothing',
};

/** The issue says only that the value has the wrong type (at the union's own place). */
function typeMismatch(issue: Issue): boolean {
  if (issue.path.length > 0) return false;
  if (issue.code === 'invalid_type') return true;
  return (
    issue.code === 'invalid_union' &&
    issue.errors.length > 0 &&
    issue.errors.every((b) => b.some(typeMismatch))
  );
}

/** The types a value could have had, in words. */
function expectedTypes(issue: Issue): string[] {
  if (issue.code === 'invalid_type') return [TYPE_WORDS[issue.expected] ?? issue.expected];
  if (issue.code === 'invalid_union')
    return issue.errors.flatMap((b) => b.filter(typeMismatch).flatMap(expectedTypes));
  return [];
}

/** Examples from the options of a union, for a value that matched none. */
function unionHint(schema: z.ZodType, path: Path): string {
  const queue = [...schemasAt(schema, path)];
  while (queue.length > 0) {
    const s = queue.shift() as z.ZodType;
    const { description, examples } = metaOf(s);
    if (examples?.length)
      return ` ${description ?? ''} For example: ${examples.map((e) => JSON.stringify(e)).join(', ')}.`;
    const def = defOf(unwrap(s));
    if (def.type === 'union') queue.push(...(def.options ?? []));
  }
  return hint(schema, path);
}

const joinOr = (words: string[]): string =>
  words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;

/** The name of the field at `path`, for messages: its key, or the short form's key. */
function fieldName(path: Path): string {
  const last = [...path].reverse().find((s): s is string => typeof s === 'string') ?? 'value';
  if (last === 'expectError' || last === 'code') return 'error code';
  return (STEP_SPECS as Record<string, { shorthand?: { key: string } }>)[last]?.shorthand?.key ?? last;
}

/**
 * Problems for `issues` of `schema` validating `value`, which sits at `base` in the file.
 * @example issueProblems(source, ['steps', 3], stepSchema('failover'), step, result.error.issues)
 */
export function issueProblems(
  source: YamlSource,
  base: Path,
  schema: z.ZodType,
  value: unknown,
  issues: Issue[],
): Problem[] {
  const problems: Problem[] = [];
  const add = (path: Path, message: string, key?: string) =>
    problems.push(
      source.problem([...base, ...path], `${pathText([...base, ...path]) || 'file'}: ${message}`, key),
    );

  const visit = (issue: Issue, prefix: Path): void => {
    const path: Path = [...prefix, ...issue.path.map((s) => (typeof s === 'number' ? s : String(s)))];
    const found = valueAt(value, path);
    switch (issue.code) {
      case 'unrecognized_keys': {
        const known = keysAt(schema, path);
        for (const key of issue.keys) {
          const where = [...base, ...path];
          problems.push(
            source.problem(
              where,
              `${pathText([...where, key])}: unknown key "${key}".${didYouMean(key, known, 'one of the keys')}`,
              key,
            ),
          );
        }
        return;
      }
      case 'invalid_union': {
        const discriminator = (issue as { discriminator?: string }).discriminator;
        if (discriminator && issue.errors.length === 0) {
          const options = ((issue as { options?: unknown[] }).options ?? []).map(String);
          const got = valueAt(value, path);
          const message =
            got === undefined
              ? `"${discriminator}" is required.`
              : `"${String(got)}" is not a valid ${discriminator}.`;
          add(path, `${message}${didYouMean(String(got ?? ''), options)}`);
          return;
        }
        const branch = issue.errors.find((b) => !b.some(typeMismatch));
        if (branch) {
          for (const inner of branch) visit(inner, path);
          return;
        }
        const types = [...new Set(expectedTypes(issue))];
        add(path, `expected ${joinOr(types)} but found ${describeValue(found)}.${unionHint(schema, path)}`);
        return;
      }
      case 'invalid_type': {
        if (found === undefined) {
          const field = path.at(-1);
          add(path.slice(0, -1), `"${String(field)}" is required.${hint(schema, path)}`);
          return;
        }
        add(
          path,
          `expected ${TYPE_WORDS[issue.expected] ?? issue.expected} but found ${describeValue(found)}.${hint(schema, path)}`,
        );
        return;
      }
      case 'invalid_value': {
        const options = issue.values.map(String);
        add(
          path,
          `${JSON.stringify(found)} is not a valid ${fieldName(path)}.${didYouMean(String(found), options)}`,
        );
        return;
      }
      case 'invalid_format':
        add(path, `${JSON.stringify(found)} is not in the expected form.${hint(schema, path)}`);
        return;
      case 'too_small':
      case 'too_big': {
        const bound = issue.code === 'too_small' ? `at least ${issue.minimum}` : `at most ${issue.maximum}`;
        const unit = issue.origin === 'string' ? ' characters' : issue.origin === 'array' ? ' items' : '';
        add(
          path,
          `must ${unit ? 'have' : 'be'} ${bound}${unit}, not ${JSON.stringify(found)}.${hint(schema, path)}`,
        );
        return;
      }
      default:
        add(path, `${issue.message}.${hint(schema, path)}`);
    }
  };
  for (const issue of issues) visit(issue, []);
  return problems;
}
