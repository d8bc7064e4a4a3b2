/**
 * Micro-benchmark of the `/data/` body parser (src/json/json-array-parser.ts) against `JSON.parse` of the
 * whole text held in memory, plus the alternative splitting approaches that were tried and not kept.
 *
 *   npx tsx bench/json-array-parser.bench.ts [--mb=200] [--runs=3] [--chunk=65536] [--shape=40,12] [--quick]
 *
 * `--quick` skips the alternatives. Figures are the median of `runs` runs. Every variant's row count and
 * a checksum are checked against JSON.parse, so a fast-but-wrong variant shows up as an error.
 */
import { StringDecoder } from 'node:string_decoder';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { JsonArrayParser, parseJsonArrayStream, type JsonArrayParserOptions, type JsonRow } from '../src/json/json-array-parser';

// ---------------------------------------------------------------------------------------------------------
// Arguments

function arg(name: string, fallback: string): string {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? hit.slice(name.length + 3) : fallback;
}
const TARGET_MB = Number(arg('mb', '200'));
const RUNS = Number(arg('runs', '3'));
const CHUNK = Number(arg('chunk', String(64 * 1024)));
const SHAPES = arg('shape', '40,12').split(',').map(Number);
const QUICK = process.argv.includes('--quick');

// ---------------------------------------------------------------------------------------------------------
// Data in the shape of test/fixtures/data_pad.json: Python json.dumps separators, float32 readings
// printed as shortest doubles (~16 significant digits), 0.0/1.0 flags, a few ints, nulls and valve strings.

const FIELD_NAMES = [
  'M1_surfactant_conc1', 'M1_friction_reducer_conc1', 'slurry_ph_flowing', 'clean_analytics_spool_ph',
  'slurry_kin_viscosity_raw', 'clean_analytics_spool_orp', 'clean_conductivity_raw', 'slurry__corrosion_raw',
  'slurry_feed_inlet_viscosity', 'slurry_feed_inlet_pressure', '_frictionInlet_pressure_',
  'clean_feed_inlet_density_raw', 'slurry_analytics_spool_ph', 'clean__corrosion_raw',
  'clean_sample_slipstream_flow', 'slurry_feed_inlet_denisty_raw', 'ac_power_ok', 'slurry_conductivity_raw',
  'chloride_concentration', 'server_measurement_latency', 'clean_conductvity_25c',
  'clean_sample_slipstream_temp', 'M1_proppant_conc', 'slurry_analytics_spool_orp', '_external_power_',
  'slurry_sample_rate', 'M1_surface_treating_pressure', '_frictionOutlet_pressure_', 'slurry_sample_temp',
  'M1_slurry_rate', 'clean_kin_viscosity_raw', 'tds', 'battery_voltage', 'slurry__corrosion_actual',
  'clean_feed_inlet_visc_raw', 'sump_level_ok', 'slurry_density_actual', 'clean_temp_actual', 'valve',
];

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Dataset {
  label: string;
  text: string;
  whole: Buffer;
  chunks: Buffer[];
  bytes: number;
  rows: number;
  checksum: number; // sum of timestamps
}

function makeDataset(keys: number, targetBytes: number): Dataset {
  const rnd = prng(keys);
  const names = FIELD_NAMES.slice(0, keys - 1);
  const prefixes = names.map((n) => `, "${n}": `);
  const rowTexts: string[] = [];
  let size = 2;
  let ts = 1757980800;
  let checksum = 0;
  while (size < targetBytes) {
    let row = '{"timestamp": ' + ts;
    checksum += ts;
    ts++;
    for (let k = 0; k < names.length; k++) {
      let v: string;
      if (names[k] === 'valve') v = rnd() < 0.5 ? '"O"' : '"C"';
      else {
        const u = rnd();
        if (u < 0.12) v = '0.0';
        else if (u < 0.16) v = '1.0';
        else if (u < 0.18) v = 'null';
        else if (u < 0.2) v = String(Math.floor(rnd() * 2));
        else v = String(Math.fround(rnd() * Math.pow(10, Math.floor(rnd() * 5) - 1)));
      }
      row += prefixes[k] + v;
    }
    row += '}';
    rowTexts.push(row);
    size += row.length + 2;
  }
  const text = '[' + rowTexts.join(', ') + ']';
  const whole = Buffer.from(text, 'utf8');
  const chunks: Buffer[] = [];
  for (let i = 0; i < whole.length; i += CHUNK) chunks.push(whole.subarray(i, i + CHUNK));
  return { label: `${keys}-key rows`, text, whole, chunks, bytes: whole.length, rows: rowTexts.length, checksum };
}

function rechunk(ds: Dataset, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < ds.whole.length; i += size) out.push(ds.whole.subarray(i, i + size));
  return out;
}

// Heap use while a variant runs: sampled every 64 batches, relative to the heap after a full GC before it.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
let heapPeak = 0;
let batchCount = 0;
function sampleHeap(): void {
  heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
}

// ---------------------------------------------------------------------------------------------------------
// Variants. Each consumes the chunks, visits every row and returns { rows, checksum }.

interface Result {
  rows: number;
  checksum: number;
}

function consume(rows: unknown[], acc: Result): void {
  if ((++batchCount & 63) === 0) sampleHeap();
  for (let k = 0; k < rows.length; k++) acc.checksum += (rows[k] as JsonRow).timestamp as number;
  acc.rows += rows.length;
}

function viaParser(chunks: Buffer[], options: JsonArrayParserOptions): Result {
  const acc: Result = { rows: 0, checksum: 0 };
  const parser = new JsonArrayParser(options);
  for (const c of chunks) {
    const b = parser.push(c);
    if (b) consume(b.rows, acc);
  }
  const rest = parser.end();
  if (rest) consume(rest.rows, acc);
  return acc;
}

/**
 * Alternative 1: decode each chunk to a string (StringDecoder keeps split UTF-8 sequences), then a
 * charCodeAt state machine (depth / in-string / escape) finds the row ends; one JSON.parse per chunk.
 */
function altStringCharScan(chunks: Buffer[]): Result {
  const acc: Result = { rows: 0, checksum: 0 };
  const dec = new StringDecoder('utf8');
  let pending = '';
  let scanFrom = 0;
  let depth = -1; // -1: before '[' ; 0: between rows
  let inStr = false;
  let esc = false;
  let regionStart = -1;
  for (const c of chunks) {
    const s = pending + dec.write(c);
    let lastEnd = -1;
    const n = s.length;
    let i = scanFrom;
    for (; i < n; i++) {
      const ch = s.charCodeAt(i);
      if (inStr) {
        if (esc) esc = false;
        else if (ch === 92) esc = true;
        else if (ch === 34) inStr = false;
        continue;
      }
      if (ch === 34) inStr = true;
      else if (ch === 123 || ch === 91) {
        if (depth === 0 && ch === 123 && regionStart < 0) regionStart = i;
        depth++;
      } else if (ch === 125 || ch === 93) {
        depth--;
        if (depth === 0) lastEnd = i + 1;
      }
    }
    if (lastEnd > 0 && regionStart >= 0) {
      consume(JSON.parse('[' + s.slice(regionStart, lastEnd) + ']') as unknown[], acc);
      pending = s.slice(lastEnd);
      // the partial row (if any) starts after the separator; rescan state is kept, so map positions
      scanFrom = n - lastEnd;
      regionStart = depth > 0 ? findRowStart(pending) : -1;
    } else {
      pending = s;
      scanFrom = n;
    }
  }
  return acc;
}

function findRowStart(s: string): number {
  const i = s.indexOf('{');
  return i;
}

/**
 * Alternative 2: like alternative 1, but strings are skipped with String#indexOf('"') (checking the
 * backslashes before a quote) and only the bytes between strings are examined with charCodeAt.
 */
function altStringIndexOf(chunks: Buffer[]): Result {
  const acc: Result = { rows: 0, checksum: 0 };
  const dec = new StringDecoder('utf8');
  let pending = '';
  let scanFrom = 0;
  let depth = -1;
  let inStr = false;
  let regionStart = -1;
  for (const c of chunks) {
    const s = pending + dec.write(c);
    let lastEnd = -1;
    const n = s.length;
    let i = scanFrom;
    while (i < n) {
      if (inStr) {
        const q = s.indexOf('"', i);
        if (q < 0) {
          i = n;
          break;
        }
        let bs = 0;
        for (let k = q - 1; s.charCodeAt(k) === 92; k--) bs++;
        i = q + 1;
        if ((bs & 1) === 0) inStr = false;
        continue;
      }
      const ch = s.charCodeAt(i++);
      if (ch === 34) inStr = true;
      else if (ch === 123 || ch === 91) {
        if (depth === 0 && ch === 123 && regionStart < 0) regionStart = i - 1;
        depth++;
      } else if (ch === 125 || ch === 93) {
        depth--;
        if (depth === 0) lastEnd = i;
      }
    }
    if (lastEnd > 0 && regionStart >= 0) {
      consume(JSON.parse('[' + s.slice(regionStart, lastEnd) + ']') as unknown[], acc);
      pending = s.slice(lastEnd);
      scanFrom = n - lastEnd;
      regionStart = depth > 0 ? findRowStart(pending) : -1;
    } else {
      pending = s;
      scanFrom = n;
    }
  }
  return acc;
}

/**
 * Alternative 3: bytes, with Buffer#indexOf(0x22) to skip strings (a native call per string) and a byte
 * loop between strings.
 */
function altBufferIndexOf(chunks: Buffer[]): Result {
  const acc: Result = { rows: 0, checksum: 0 };
  let pending: Buffer = Buffer.alloc(0);
  let scanFrom = 0;
  let depth = -1;
  let inStr = false;
  let esc = false;
  let regionStart = -1;
  for (const c of chunks) {
    const b = pending.length ? Buffer.concat([pending, c]) : c;
    let lastEnd = -1;
    const n = b.length;
    let i = scanFrom;
    if (esc && i < n) {
      esc = false;
      i++;
    }
    while (i < n) {
      if (inStr) {
        // find the closing quote: next '"' or '\\'
        const q = b.indexOf(0x22, i);
        const bsl = b.indexOf(0x5c, i);
        if (bsl >= 0 && (q < 0 || bsl < q)) {
          if (bsl + 1 >= n) {
            esc = true;
            i = n;
            break;
          }
          i = bsl + 2;
          continue;
        }
        if (q < 0) {
          i = n;
          break;
        }
        i = q + 1;
        inStr = false;
        continue;
      }
      const ch = b[i++]!;
      if (ch === 34) inStr = true;
      else if (ch === 123 || ch === 91) {
        if (depth === 0 && ch === 123 && regionStart < 0) regionStart = i - 1;
        depth++;
      } else if (ch === 125 || ch === 93) {
        depth--;
        if (depth === 0) lastEnd = i;
      }
    }
    if (lastEnd > 0 && regionStart >= 0) {
      consume(JSON.parse('[' + b.toString('utf8', regionStart, lastEnd) + ']') as unknown[], acc);
      pending = Buffer.from(b.subarray(lastEnd));
      scanFrom = n - lastEnd;
      regionStart = depth > 0 ? pending.indexOf(0x7b) : -1;
    } else {
      pending = Buffer.from(b);
      scanFrom = n;
    }
  }
  return acc;
}

/** The async generator over an async iterable of the chunks (one await per chunk, as from a socket). */
async function viaGenerator(chunks: Buffer[]): Promise<Result> {
  const acc: Result = { rows: 0, checksum: 0 };
  async function* source(): AsyncGenerator<Buffer> {
    for (const c of chunks) yield c;
  }
  for await (const batch of parseJsonArrayStream(source())) consume(batch.rows, acc);
  return acc;
}

/** Alternative 4 (batching granularity): the fast cut, but one JSON.parse per row instead of per chunk. */
function altPerRowParse(chunks: Buffer[]): Result {
  const acc: Result = { rows: 0, checksum: 0 };
  const parser = new JsonArrayParser({ keepRaw: true });
  for (const c of chunks) {
    const b = parser.push(c);
    if (b) {
      const raw = b.raw!;
      const rows = new Array<unknown>(raw.length);
      for (let k = 0; k < raw.length; k++) rows[k] = JSON.parse(raw[k]!);
      consume(rows, acc);
    }
  }
  parser.end();
  return acc;
}

/** Reference: JSON.parse of pre-cut ~CHUNK-sized slices of the text (no splitting, no decoding cost). */
function refSliceParse(ds: Dataset): Result {
  const acc: Result = { rows: 0, checksum: 0 };
  const t = ds.text;
  let i = 1;
  while (i < t.length - 1) {
    let e = t.indexOf('}, {', i + CHUNK);
    if (e < 0) e = t.length - 2;
    consume(JSON.parse('[' + t.slice(i, e + 1) + ']') as unknown[], acc);
    i = e + 3;
  }
  return acc;
}

// ---------------------------------------------------------------------------------------------------------

/** Runs f after a full GC; returns its time and the heap growth (peak of the samples, and at the end). */
async function time<T>(f: () => T | Promise<T>): Promise<{ ms: number; value: T; heapMb: number }> {
  gc();
  const before = process.memoryUsage().heapUsed;
  heapPeak = before;
  const t0 = process.hrtime.bigint();
  const value = await f();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  sampleHeap();
  return { ms, value, heapMb: (heapPeak - before) / 1e6 };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function fmt(n: number, width: number, digits = 0): string {
  return n.toFixed(digits).padStart(width);
}

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${TARGET_MB} MB per shape, ${CHUNK} B chunks, median of ${RUNS} runs`);
  for (const keys of SHAPES) {
    const ds = makeDataset(keys, TARGET_MB * 1e6);
    const mb = ds.bytes / 1e6;
    console.log(`\n${ds.label}: ${fmt(mb, 0, 1)} MB, ${ds.rows} rows (${Math.round(ds.bytes / ds.rows)} B/row)`);

    // JSON.parse of the whole text (the result is kept alive until the timing ends, as a caller would).
    const wholeMs: number[] = [];
    let wholeHeap = 0;
    for (let r = 0; r < RUNS; r++) {
      const { ms, value, heapMb } = await time(() => JSON.parse(ds.text) as JsonRow[]);
      if (value.length !== ds.rows) throw new Error('JSON.parse row count');
      wholeMs.push(ms);
      wholeHeap = Math.max(wholeHeap, heapMb);
    }
    const baseMs = median(wholeMs);
    const row = (name: string, ms: number, heapMb?: number): void => {
      const mbps = mb / (ms / 1000);
      const rps = ds.rows / (ms / 1000);
      console.log(
        `  ${name.padEnd(52)} ${fmt(ms, 6)} ms ${fmt(rps / 1000, 7)} k rows/s ${fmt(mbps, 6)} MB/s  ratio ${fmt(baseMs / ms, 4, 2)}` +
          (heapMb === undefined ? '' : `  heap +${fmt(heapMb, 0)} MB`),
      );
    };
    row('JSON.parse(whole text)', baseMs, wholeHeap);

    const variants: Array<[string, (chunks: Buffer[]) => Result | Promise<Result>, Buffer[]?]> = [
      ['parser auto (fast cut + JSON.parse verify)', (c) => viaParser(c, {})],
      ['parser auto, keepRaw', (c) => viaParser(c, { keepRaw: true })],
      ['parser scan (exact byte scanner)', (c) => viaParser(c, { strategy: 'scan' })],
      ['parser scan, keepRaw', (c) => viaParser(c, { strategy: 'scan', keepRaw: true })],
      ['parseJsonArrayStream (async generator)', viaGenerator],
    ];
    if (!QUICK) {
      variants.push(
        ['alt: string + charCodeAt state machine', altStringCharScan],
        ['alt: string + indexOf skip of strings', altStringIndexOf],
        ['alt: Buffer + Buffer#indexOf skip of strings', altBufferIndexOf],
        ['alt: fast cut, JSON.parse per row', altPerRowParse],
        ['parser auto, 16 KiB chunks', (c) => viaParser(c, {}), rechunk(ds, 16 * 1024)],
        ['parser auto, 1 MiB chunks', (c) => viaParser(c, {}), rechunk(ds, 1024 * 1024)],
        ['parseJsonArrayStream, 1 MiB chunks (fed in 64 KiB)', viaGenerator, rechunk(ds, 1024 * 1024)],
        ['ref: JSON.parse of pre-cut 64 KiB string slices', () => refSliceParse(ds)],
      );
    }
    for (const [name, run, chunks] of variants) {
      const ms: number[] = [];
      let heap = 0;
      for (let r = 0; r < RUNS; r++) {
        const { ms: t, value, heapMb } = await time(() => run(chunks ?? ds.chunks));
        if (value.rows !== ds.rows || value.checksum !== ds.checksum) {
          throw new Error(`${name}: ${value.rows} rows / checksum ${value.checksum}, expected ${ds.rows} / ${ds.checksum}`);
        }
        ms.push(t);
        heap = Math.max(heap, heapMb);
      }
      row(name, median(ms), heap);
    }
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
