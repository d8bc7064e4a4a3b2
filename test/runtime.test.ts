/**
 * The suite runs on one Node, and so do the processes it starts: tests spawn `process.execPath` (the CLI, the
 * examples, consumers of the packed package), but also `npm`, `npx` and installed bins, whose
 * `#!/usr/bin/env node` takes the first `node` on PATH. .ci/run runs the suite on the machine's Node and again
 * with Node 24 first on PATH, and says which major each run is for (CI_NODE_MAJOR): a run that fell back to
 * another Node, in jest or in a child, fails here instead of passing for the wrong version.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const major = (version: string): number => Number(/^v?(\d+)\./.exec(version)?.[1]);

describe('the Node the suite runs on', () => {
  it('is the one a child process gets from PATH', () => {
    const child = spawnSync('node', ['-p', 'process.version'], { encoding: 'utf8' });
    expect(child.error).toBeUndefined();
    expect(child.stdout.trim()).toBe(process.version);
  });

  it('is the one the CI run asked for, and one package.json allows', () => {
    const wanted = process.env.CI_NODE_MAJOR;
    if (wanted !== undefined) expect(major(process.version)).toBe(Number(wanted));
    const { engines } = JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { engines: { node: string } };
    const floor = Number(/^>=\s*(\d+)/.exec(engines.node)?.[1]);
    expect(floor).toBeGreaterThan(0);
    expect(major(process.version)).toBeGreaterThanOrEqual(floor);
  });
});
