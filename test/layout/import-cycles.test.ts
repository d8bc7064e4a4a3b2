/**
 * The source tree has no runtime import cycles: a module in a cycle can be read half-initialised (a class
 * that is `undefined` at import time), and cycles are what keeps folders from having one job each.
 * Type-only imports are erased at build time and are not counted.
 */
import fs from 'node:fs';
import path from 'node:path';

const SRC = path.join(__dirname, '..', '..', 'src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** The modules a file loads at run time (relative imports and re-exports that are not `type`-only). */
function runtimeImports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s+([^;]*?)\s+from\s+'(\.[^']+)'/gms)) {
    const clause = m[1]!;
    if (/^type\b/.test(clause)) continue;
    const braces = /^\{([^}]*)\}$/.exec(clause.trim());
    if (braces && braces[1]!.split(',').map((s) => s.trim()).filter(Boolean).every((s) => s.startsWith('type '))) continue;
    const base = path.join(path.dirname(file), m[2]!);
    out.push(fs.existsSync(`${base}.ts`) ? `${base}.ts` : path.join(base, 'index.ts'));
  }
  return out;
}

test('src/ has no runtime import cycles', () => {
  const graph = new Map(sourceFiles(SRC).map((f) => [f, runtimeImports(f)]));
  const cycles: string[] = [];
  const done = new Set<string>();
  const stack: string[] = [];
  const visit = (file: string): void => {
    stack.push(file);
    for (const dep of graph.get(file) ?? []) {
      const at = stack.indexOf(dep);
      if (at >= 0) cycles.push([...stack.slice(at), dep].map((f) => path.relative(SRC, f)).join(' → '));
      else if (!done.has(dep)) visit(dep);
    }
    stack.pop();
    done.add(file);
  };
  for (const file of graph.keys()) if (!done.has(file)) visit(file);
  expect(graph.size).toBeGreaterThan(50);
  expect(cycles).toEqual([]);
});

test('the data pipeline lives in folders named for their jobs', () => {
  for (const dir of ['json', 'formats', 'data', 'export']) expect(fs.statSync(path.join(SRC, dir)).isDirectory()).toBe(true);
  expect(fs.readdirSync(path.join(SRC, 'data')).some((f) => /csv|parquet|json-|export|manifest/.test(f))).toBe(false);
});
