/**
 * The JSON Schema editors read and the page docs/scenarios.md are generated from the same
 * definitions as the parser, and kept current; the schema accepts every scenario of the
 * library and refuses the mistakes the parser refuses (checked with ajv, as an editor would).
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { findScenarioFiles } from '../../src/scenarios/discover.js';
import { STEP_KINDS, STEP_SPECS } from '../../src/scenarios/schema/steps.js';
import { GENERATED } from '../../src/scenarios/write-generated.js';
import { ONE_PAIR, ROOT, withSteps } from './helpers.js';

const schema = JSON.parse(readFileSync(`${ROOT}schemas/scenario.schema.json`, 'utf8'));
const validate = new Ajv({ allErrors: true, strict: false, validateFormats: false }).compile(schema);

describe('generated files', () => {
  for (const [path, content] of Object.entries(GENERATED)) {
    it(`${path} is up to date (npx tsx src/scenarios/write-generated.ts)`, () => {
      expect(readFileSync(`${ROOT}${path}`, 'utf8')).toBe(content());
    });
  }

  it('docs/scenarios.md shows every step kind with an example', () => {
    const doc = readFileSync(`${ROOT}docs/scenarios.md`, 'utf8');
    for (const kind of STEP_KINDS) {
      expect(doc).toContain(`### \`${kind}\``);
      expect(doc).toContain(STEP_SPECS[kind].example);
    }
  });
});

describe('the JSON Schema', () => {
  const { files } = findScenarioFiles([`${ROOT}scenarios`]);

  it('accepts every scenario of the library, each of which names it on its first line', () => {
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(text.split('\n')[0], file).toMatch(
        /^# yaml-language-server: \$schema=(\.\.\/)+schemas\/scenario\.schema\.json$/,
      );
      expect(validate(parseYaml(text)), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('accepts every short form and example', () => {
    for (const kind of STEP_KINDS) {
      const steps = parseYaml(STEP_SPECS[kind].example) as unknown[];
      expect(validate({ ...parseYaml(ONE_PAIR), steps }), `${kind}: ${JSON.stringify(validate.errors)}`).toBe(
        true,
      );
    }
  });

  it.each([
    ['an unknown step', '  - falover: { recoveryPoint: latest }\n'],
    ['an unknown key', '  - failover: { recoveryPont: latest }\n'],
    ['a missing field', '  - commitFailover: { pair: web }\n'],
    ['a wrong status', '  - expectStatus: FAILEDOVER\n'],
    ['a wrong type', '  - advance: true\n'],
    ['expectError on an expectation', '  - expectRpo: { below: 20m }\n    expectError: INVALID_STATE\n'],
    ['an unknown error code', '  - detach: web\n    expectError: INVALID_STAT\n'],
  ])('refuses %s', (_what, steps) => {
    expect(validate(parseYaml(withSteps(steps)))).toBe(false);
  });
});
