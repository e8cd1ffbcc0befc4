/**
 * Writes the files generated from the scenario schema: schemas/scenario.schema.json (what
 * editors read) and docs/scenarios.md. Run `npx tsx src/scenarios/write-generated.ts` after
 * changing src/scenarios/schema/; the tests compare both files with what this would write.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { scenariosDoc } from './docs.js';
import { scenarioJsonSchema } from './schema/scenario.js';

export const GENERATED = {
  'schemas/scenario.schema.json': () => `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`,
  'docs/scenarios.md': scenariosDoc,
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [path, content] of Object.entries(GENERATED)) {
    writeFileSync(path, content());
    process.stdout.write(`wrote ${path}\n`);
  }
}
