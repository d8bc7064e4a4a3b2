/**
 * `npm run bench`: every benchmark in bench/, one after another (they measure time and memory, so they
 * never share the machine). Extra arguments (e.g. `--quick`) are passed on.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const flags = process.argv.slice(2).filter((a) => a.startsWith('--'));
const files = readdirSync(__dirname)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

let failed = 0;
for (const file of files) {
  console.log(`\n=== ${file} ===`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, file), ...flags], { stdio: 'inherit', cwd: path.resolve(__dirname, '..') });
  if (result.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
