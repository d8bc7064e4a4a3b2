/**
 * `npm run demo`, the first command of the README's Quick start, as a user runs it: every step runs through,
 * and what it shows holds (the resumed download has every row once, the live stream none lost or repeated
 * across the drop, the plot has points, the synced table shows the correction).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

function runDemo(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'demo.ts')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('npm run demo tours every step and shows what each promises', async () => {
  const { code, stdout, stderr } = await runDemo();
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  const text = stdout.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), ''); // no bold
  for (let step = 1; step <= 8; step++) expect(text).toMatch(new RegExp(`^${step}\\. `, 'm'));
  expect(text).toMatch(/the link was cut twice; still 3600 rows, each once/);
  expect(text).toMatch(/(\d+) live rows in ten seconds, \1 distinct timestamps/);
  expect(text).toMatch(/43200 rows downsampled to [1-9]\d* \+ [1-9]\d* \+ [1-9]\d* points/);
  // The synced table before and after the correction: three rows, each value changed.
  const table = /time {6}tds before {2}tds after\n((?: {2}.*\n){3})/.exec(text);
  expect(table).not.toBeNull();
  for (const line of table![1]!.trim().split('\n')) {
    const [, before, after] = line.trim().split(/\s+/);
    expect(Number(before)).not.toBeNaN();
    expect(Number(after)).not.toBeNaN();
    expect(after).not.toBe(before);
  }
  expect(text).toMatch(/^Done\. The files are in /m);
}, 120_000);
