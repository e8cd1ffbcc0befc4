// `npm run bench`: runs every part (`*.bench.mjs|ts` in this folder) and prints one table of the
// goals of issue #14, each beside its floor from the same run. Row format: README.md.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from './lib.mjs';

const HERE = dirname(new URL(import.meta.url).pathname);
const USAGE = `Usage: npm run bench -- [--only a,b] [--quick] [--list] [--out FILE.json]`;

let options;
try {
  ({ values: options } = parseArgs({
    options: {
      only: { type: 'string' },
      quick: { type: 'boolean' },
      list: { type: 'boolean' },
      out: { type: 'string' },
      help: { type: 'boolean' },
    },
  }));
} catch (err) {
  console.error(`${err.message}\n${USAGE}`);
  process.exit(2);
}
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}

const parts = readdirSync(HERE)
  .map((file) => /^(.+)\.bench\.(mjs|ts)$/.exec(file))
  .filter(Boolean)
  .map(([file, name]) => ({ name, file: join(HERE, file) }))
  .sort((a, b) => a.name.localeCompare(b.name));
const wanted = options.only
  ?.split(',')
  .map((name) => name.trim())
  .filter(Boolean);
const unknown = wanted?.filter((name) => !parts.some((part) => part.name === name)) ?? [];
if (unknown.length > 0) {
  console.error(`unknown part(s): ${unknown.join(', ')}; parts: ${parts.map((p) => p.name).join(', ')}`);
  process.exit(2);
}
const selected = wanted ? parts.filter((part) => wanted.includes(part.name)) : parts;
if (options.list) {
  for (const part of selected) console.log(part.name);
  process.exit(0);
}

// Parts spawn the built CLI (bin/drsim.js → dist/), as a user runs it.
execFileSync(process.execPath, ['scripts/build.mjs', '--js', '--if-stale'], { cwd: ROOT, stdio: 'inherit' });

const FIELDS = { goal: 'string', unit: 'string', target: 'string', met: 'boolean' };
function validRow(row) {
  return (
    row !== null &&
    typeof row === 'object' &&
    Object.entries(FIELDS).every(([key, type]) => typeof row[key] === type) &&
    ['figure', 'floor', 'ratio'].every((key) => row[key] === null || typeof row[key] === 'number')
  );
}

function runPart(part) {
  return new Promise((done) => {
    const args = [...(part.file.endsWith('.ts') ? ['--import', 'tsx'] : []), part.file];
    if (options.quick) args.push('--quick');
    const started = performance.now();
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...(options.quick ? { BENCH_QUICK: '1' } : {}) },
    });
    const rows = [];
    let buffered = '';
    const take = (line) => {
      const text = line.trim();
      if (!text) return;
      if (text.startsWith('{')) {
        try {
          const row = JSON.parse(text);
          if (validRow(row)) {
            rows.push({ part: part.name, ...row });
            return;
          }
        } catch {
          // Not a row: progress.
        }
      }
      process.stderr.write(`  [${part.name}] ${text}\n`);
    };
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop();
      lines.forEach(take);
    });
    child.on('close', (code, signal) => {
      take(buffered);
      done({ name: part.name, code, signal, seconds: (performance.now() - started) / 1000, rows });
    });
  });
}

const began = new Date();
const results = [];
for (const part of selected) {
  process.stderr.write(`== ${part.name}\n`);
  results.push(await runPart(part));
}

const rows = results.flatMap((result) => result.rows);
const failed = results.filter((result) => result.code !== 0 || result.rows.length === 0);
for (const result of failed) {
  rows.push({
    part: result.name,
    goal: `part "${result.name}" ran to the end`,
    figure: null,
    unit: '',
    floor: null,
    ratio: null,
    target: 'exit 0 with rows',
    met: false,
    note: `exit ${result.signal ?? result.code}, ${result.rows.length} row(s)`,
  });
}

const num = (value) =>
  value === null || value === undefined
    ? '—'
    : value.toLocaleString('en-US', { maximumFractionDigits: Math.abs(value) >= 100 ? 0 : 2 });
const cell = (text) => String(text).replaceAll('|', '\\|');
const lines = [
  '| part | goal | drsim | floor (same run) | ratio | target | verdict |',
  '|---|---|---:|---:|---:|---|---|',
  ...rows
    .map((row) =>
      [
        row.part,
        row.goal,
        `${num(row.figure)} ${row.unit}`.trim(),
        row.floor === null
          ? '—'
          : `${num(row.floor)} ${row.unit}${row.floorName ? ` (${row.floorName})` : ''}`,
        row.ratio === null ? '—' : `${num(row.ratio)}×`,
        row.target,
        row.met ? 'met' : '**missed**',
      ]
        .map(cell)
        .join(' | '),
    )
    .map((line) => `| ${line} |`),
];
const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
  node: process.version,
};
const footer = `${rows.filter((r) => r.met).length} of ${rows.length} goals met · ${began.toISOString()} · ${
  options.quick ? 'quick run · ' : ''
}node ${machine.node}, ${machine.cpus} cores, load ${machine.loadAverage.join(' ')}`;
const table = `${lines.join('\n')}\n\n${footer}\n`;
const notes = rows.filter((row) => row.note).map((row) => `- ${row.goal}: ${row.note}`);
console.log(`\n${table}${notes.length ? `\n${notes.join('\n')}\n` : ''}`);

const out = resolve(ROOT, options.out ?? 'bench-output/bench.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify(
    {
      date: began.toISOString(),
      quick: Boolean(options.quick),
      machine,
      parts: results.map(({ name, code, signal, seconds }) => ({
        name,
        exitCode: code,
        signal,
        seconds: Math.round(seconds * 10) / 10,
      })),
      rows,
    },
    null,
    2,
  )}\n`,
);
writeFileSync(`${out.replace(/\.json$/, '')}.md`, `${table}${notes.length ? `\n${notes.join('\n')}\n` : ''}`);
process.stderr.write(`written: ${out}\n`);
process.exit(failed.length > 0 ? 1 : 0);
