import {
  JsonArrayParser,
  MalformedJsonError,
  TruncatedStreamError,
  parseJsonArrayStream,
  type JsonArrayBatch,
  type JsonArrayParserOptions,
  type JsonRow,
} from '../../src/json/json-array-parser';
import { readFixtureText } from '../helpers/fixtures';
import { prng, splitAt, randomChunks, randomStringChunks, type Doc, randomDoc, rowEnds, deepSame, splitEvery } from '../helpers/random-json';

const STRATEGIES = ['auto', 'scan'] as const;

interface Outcome {
  rows: JsonRow[];
  raw: string[];
  batches: Array<JsonArrayBatch<JsonRow>>;
  error: unknown;
  parser: JsonArrayParser;
}

/** Feeds the chunks, then end(); collects everything handed out until the first error. */
function run(chunks: Array<Uint8Array | string>, options: JsonArrayParserOptions = {}): Outcome {
  const parser = new JsonArrayParser(options);
  const out: Outcome = { rows: [], raw: [], batches: [], error: undefined, parser };
  const take = (b: JsonArrayBatch<JsonRow> | undefined): void => {
    if (!b) return;
    if (b.rows.length === 0) throw new Error('empty batch');
    out.batches.push(b);
    for (const r of b.rows) out.rows.push(r);
    if (b.raw) for (const r of b.raw) out.raw.push(r);
  };
  try {
    for (const c of chunks) take(parser.push(c));
    // end() hands out leftovers (normally none); the verdict comes from a call that returns nothing.
    for (let k = 0; k < 3; k++) {
      const b = parser.end();
      if (!b) break;
      take(b);
    }
  } catch (e) {
    out.error = e;
  }
  return out;
}

function sameJson(actual: unknown, expected: unknown): void {
  // Quick exact check first; jest's comparison only to produce a readable message.
  if (!deepSame(actual, expected)) expect(actual).toEqual(expected);
}

// ---------------------------------------------------------------------------------------------------------

describe('JsonArrayParser on the real fixture', () => {
  const text = readFixtureText('data_pad.json');
  const buf = Buffer.from(text, 'utf8');
  const expected = JSON.parse(text) as JsonRow[];

  it('parses the whole fixture in one chunk', () => {
    for (const strategy of STRATEGIES) {
      const o = run([buf], { strategy });
      expect(o.error).toBeUndefined();
      expect(o.rows).toEqual(expected);
      expect(o.parser.rowsEmitted).toBe(expected.length);
      expect(o.parser.bytesConsumed).toBe(buf.length);
      expect(o.parser.lastRowEndOffset).toBe(buf.lastIndexOf('}') + 1);
      expect(o.parser.closed).toBe(true);
    }
  });

  // Byte offsets just past each row's closing '}' (rows end with '}' followed by ",\n" or "]" here).
  const ends: number[] = [];
  for (let i = buf.indexOf('}'); i >= 0; i = buf.indexOf('}', i + 1)) {
    if (buf[i + 1] === 0x5d || (buf[i + 1] === 0x2c && buf[i + 2] === 0x0a)) ends.push(i + 1);
  }
  const expectedJson = JSON.stringify(expected);

  it('has the row ends the split test relies on', () => {
    expect(ends).toHaveLength(expected.length);
  });

  // Every offset 0..length, in four slices to keep each test short on a busy machine.
  const quarter = Math.ceil((buf.length + 1) / 4);
  it.each([0, 1, 2, 3])(
    'split at every byte offset into two chunks (slice %d/4): equal to JSON.parse, complete rows out after the first',
    (slice) => {
      let complete = 0;
      const from = slice * quarter;
      const to = Math.min(buf.length, from + quarter - 1);
      while (complete < ends.length && ends[complete]! <= from - 1) complete++;
      for (let cut = from; cut <= to; cut++) {
        const strategy = STRATEGIES[cut % 2]!;
        const keepRaw = cut % 3 === 0;
        const parser = new JsonArrayParser({ strategy, keepRaw });
        const rows: JsonRow[] = [];
        const raw: string[] = [];
        const first = parser.push(buf.subarray(0, cut));
        while (complete < ends.length && ends[complete]! <= cut) complete++;
        if ((first?.rows.length ?? 0) !== complete || parser.rowsEmitted !== complete) {
          throw new Error(`cut at ${cut} (${strategy}): ${first?.rows.length} rows out after the first chunk, expected ${complete}`);
        }
        if (parser.lastRowEndOffset !== (complete ? ends[complete - 1] : 0)) throw new Error(`cut at ${cut}: lastRowEndOffset`);
        for (const b of [first, parser.push(buf.subarray(cut)), parser.end()]) {
          if (b) rows.push(...b.rows);
          if (b?.raw) raw.push(...b.raw);
        }
        if (JSON.stringify(rows) !== expectedJson) throw new Error(`cut at ${cut} (${strategy}): rows differ from JSON.parse`);
        if (keepRaw) {
          for (let k = 0; k < expected.length; k++) {
            const start = k === 0 ? 1 : ends[k - 1]! + 2;
            if (raw[k] !== buf.toString('utf8', start, ends[k])) throw new Error(`raw mismatch at cut ${cut} row ${k}`);
          }
        }
      }
    },
  );

  it('keepRaw: raw text of every row is the exact source text, and batch offsets point at it', () => {
    for (const strategy of STRATEGIES) {
      const rnd = prng(7);
      const chunks = randomChunks(buf, rnd);
      const o = run(chunks, { strategy, keepRaw: true });
      expect(o.error).toBeUndefined();
      expect(o.raw).toHaveLength(expected.length);
      expect(o.raw.join(',\n')).toBe(text.slice(1, text.lastIndexOf(']')));
      for (const b of o.batches) {
        const src = buf.subarray(b.startOffset, b.endOffset);
        expect(src.toString('utf8')).toBe(b.raw!.join(',\n'));
        expect(b.raw!.map((r) => JSON.parse(r) as unknown)).toEqual(b.rows);
      }
    }
  });
});

describe('JsonArrayParser fuzz (seeded, deterministic)', () => {
  it('random rows with nasty strings, random chunkings, compared with JSON.parse', () => {
    const rnd = prng(20250916);
    let cases = 0;
    let rowsSeen = 0;
    for (let docNo = 0; docNo < 800; docNo++) {
      const doc = randomDoc(rnd);
      const expected = JSON.parse(doc.text) as unknown[];
      expect(expected).toHaveLength(doc.rowTexts.length);
      const buf = Buffer.from(doc.text, 'utf8');
      const ends = rowEnds(doc);
      for (let rep = 0; rep < 4; rep++) {
        const strategy = STRATEGIES[rep % 2]!;
        const keepRaw = rep >= 2;
        const chunks: Array<Uint8Array | string> =
          rep === 3 && docNo % 2 === 0
            ? randomStringChunks(doc.text, rnd)
            : randomChunks(buf, rnd).map((c, k) => (k % 2 === 0 ? c : new Uint8Array(c)));
        const keepText = rep % 2 === 1;
        const o = run(chunks, { strategy, keepRaw, keepText });
        cases++;
        if (o.error !== undefined) throw new Error(`doc ${docNo} rep ${rep}: ${String(o.error)}\n${doc.text}`);
        sameJson(o.rows, expected);
        if (keepRaw) expect(o.raw).toEqual(doc.rowTexts);
        expect(o.parser.bytesConsumed).toBe(buf.length);
        expect(o.parser.rowsEmitted).toBe(expected.length);
        expect(o.parser.lastRowEndOffset).toBe(ends.length ? ends[ends.length - 1] : 0);
        for (const b of o.batches) {
          expect(b.rows.every((r) => typeof r === 'object' && r !== null && !Array.isArray(r))).toBe(true);
          if (b.raw) expect(buf.subarray(b.startOffset, b.endOffset).toString('utf8').startsWith(b.raw[0]!)).toBe(true);
          if (keepText) {
            // The batch text is the source between its first and last row, separators included.
            expect(b.text).toBe(buf.subarray(b.startOffset, b.endOffset).toString('utf8'));
            sameJson(JSON.parse('[' + b.text + ']'), b.rows);
          } else {
            expect(b.text).toBeUndefined();
          }
        }
        rowsSeen += expected.length;
      }
    }
    expect(cases).toBe(3200);
    expect(rowsSeen).toBeGreaterThan(10000);
  });

  it('rows made of pure nested arrays of objects (defeats the fast path) stay correct', () => {
    const rnd = prng(99);
    const rows: string[] = [];
    for (let k = 0; k < 300; k++) {
      rows.push(`{"id": ${k}, "list": [{"a": {"b": [1, {"c": "}, {"}]}}, {"d": "x"}], "s": "]}, {["}`);
    }
    const text = '[' + rows.join(', ') + ']';
    const buf = Buffer.from(text);
    for (const strategy of STRATEGIES) {
      for (let rep = 0; rep < 5; rep++) {
        const o = run(randomChunks(buf, rnd), { strategy, keepRaw: rep % 2 === 0 });
        expect(o.error).toBeUndefined();
        sameJson(o.rows, JSON.parse(text));
        if (rep % 2 === 0) expect(o.raw).toEqual(rows);
      }
    }
  });
});

describe('JsonArrayParser truncation', () => {
  const doc: Doc = {
    rowTexts: [
      '{"timestamp": 1757980800, "a": 0.0, "valve": "O", "x": null}',
      '{"s": "\\"}, {\\"", "t": "é😀", "u": "\\u00e9\\ud83d\\ude00", "n": [1, {"m": -2.5e-3}]}',
      '{}',
      '{"k": "[{]}", "esc": "\\\\"}',
      '{"last": true, "f": false}',
    ],
    text: '',
  };
  doc.text = ' [' + doc.rowTexts.join(', ') + ']\n';
  const buf = Buffer.from(doc.text, 'utf8');
  const ends = rowEnds(doc);
  const closeAt = buf.lastIndexOf(']') + 1;

  it('at every offset yields exactly the complete rows before the cut, then TruncatedStreamError', () => {
    const expected = JSON.parse(doc.text) as unknown[];
    const rnd = prng(3);
    for (let cut = 0; cut <= buf.length; cut++) {
      for (const strategy of STRATEGIES) {
        const prefix = buf.subarray(0, cut);
        const chunkings = [[prefix], splitAt(prefix, [Math.floor(cut / 2)]), randomChunks(prefix, rnd)];
        for (const chunks of chunkings) {
          const o = run(chunks, { strategy, keepRaw: true });
          const complete = ends.filter((e) => e <= cut).length;
          expect(o.rows).toEqual(expected.slice(0, complete));
          expect(o.raw).toEqual(doc.rowTexts.slice(0, complete));
          if (cut >= closeAt) {
            expect(o.error).toBeUndefined();
          } else {
            expect(o.error).toBeInstanceOf(TruncatedStreamError);
            const e = o.error as TruncatedStreamError;
            expect(e.rowsEmitted).toBe(complete);
            expect(e.lastRowEndOffset).toBe(complete ? ends[complete - 1] : 0);
            expect(e.bytesConsumed).toBe(cut);
          }
        }
      }
    }
  });

  it('empty input and whitespace-only input are truncated streams with zero rows', () => {
    for (const chunks of [[], [''], ['  \n'], [Buffer.alloc(0)], ['['], ['[ '], ['\ufeff']]) {
      const o = run(chunks);
      expect(o.rows).toEqual([]);
      expect(o.error).toBeInstanceOf(TruncatedStreamError);
      expect((o.error as TruncatedStreamError).rowsEmitted).toBe(0);
    }
  });

  it('a row cut inside a string with array/brace characters is not emitted', () => {
    const o = run(['[{"a": 1}, {"b": "x}, {\\"c\\": 2}', ']']);
    // The second row never closes: '"x}, {\"c\": 2}' is still inside the string, and so is ']'.
    expect(o.rows).toEqual([{ a: 1 }]);
    expect(o.error).toBeInstanceOf(TruncatedStreamError);
  });
});

describe('JsonArrayParser empty arrays and whitespace', () => {
  const cases: Array<[string, unknown[]]> = [
    ['[]', []],
    ['[ ]', []],
    [' \n\t[ \r\n ]\n ', []],
    ['\ufeff[]', []],
    ['[{}]', [{}]],
    ['[{"a":1}]', [{ a: 1 }]],
    ['[ {"a": 1} , {"b": 2} ]', [{ a: 1 }, { b: 2 }]],
    ['\n[\n{"a":1}\n,\n{"b":[]}\n,{"c":{}}\t]\r\n', [{ a: 1 }, { b: [] }, { c: {} }]],
    ['[{"a": 1.0, "b": 1, "c": -0.0, "d": 1E3, "e": "\\u00e9"}]', [{ a: 1, b: 1, c: -0, d: 1000, e: 'é' }]],
  ];

  it.each(cases)('%j at every two-chunk split', (text, expected) => {
    const buf = Buffer.from(text, 'utf8');
    for (let cut = 0; cut <= buf.length; cut++) {
      for (const strategy of STRATEGIES) {
        const o = run(splitAt(buf, [cut]), { strategy });
        expect(o.error).toBeUndefined();
        expect(o.rows).toEqual(expected);
        expect(o.parser.closed).toBe(true);
      }
    }
  });

  it('byte-at-a-time feeding works', () => {
    const text = '[{"a": "é😀\\u00e9\\\\\\"", "b": [1, 2, {"c": null}]}, {"d": true}]';
    const buf = Buffer.from(text);
    for (const strategy of STRATEGIES) {
      const o = run(Array.from(buf, (byte) => Uint8Array.of(byte)), { strategy, keepRaw: true });
      expect(o.error).toBeUndefined();
      expect(o.rows).toEqual(JSON.parse(text));
      expect(o.raw).toEqual(['{"a": "é😀\\u00e9\\\\\\"", "b": [1, 2, {"c": null}]}', '{"d": true}']);
    }
  });

  it('a lone high surrogate at the very end of string input becomes U+FFFD (as Buffer.from would)', () => {
    const o = run(['[{"a": 1}, {"b": "x', '\ud83d']);
    expect(o.rows).toEqual([{ a: 1 }]);
    expect(o.error).toBeInstanceOf(TruncatedStreamError);
    expect(o.parser.bytesConsumed).toBe(Buffer.byteLength('[{"a": 1}, {"b": "x\ufffd'));
  });

  it('accepts Uint8Array views into a larger ArrayBuffer', () => {
    const bytes = Buffer.from('xxxx[{"a": "é"}, {"b": 2}]yyyy');
    const o = run([new Uint8Array(bytes.buffer, bytes.byteOffset + 4, 10), new Uint8Array(bytes.buffer, bytes.byteOffset + 14, bytes.length - 18)]);
    expect(o.error).toBeUndefined();
    expect(o.rows).toEqual([{ a: 'é' }, { b: 2 }]);
  });

  it('string chunks split inside a surrogate pair decode correctly', () => {
    const text = '[{"e": "😀😀"}]';
    for (let cut = 0; cut <= text.length; cut++) {
      const o = run([text.slice(0, cut), text.slice(cut)]);
      expect(o.error).toBeUndefined();
      expect(o.rows).toEqual([{ e: '😀😀' }]);
      expect(o.parser.bytesConsumed).toBe(Buffer.byteLength(text));
    }
  });
});

describe('JsonArrayParser malformed input', () => {
  // text, rows handed out before the error, error offset: exact for structural faults; for bad JSON inside a
  // row, where V8 reports a position, else the start of the row.
  const cases: Array<[string, number, number]> = [
    ['[1, 2]', 0, 1],
    ['["a"]', 0, 1],
    ['[null]', 0, 1],
    ['[[{"a": 1}]]', 0, 1],
    ['[{"a": 1}, 2]', 1, 11],
    ['[{"a": 1}, "x"]', 1, 11],
    ['x[]', 0, 0],
    ['{"a": 1}', 0, 0],
    ['[] x', 0, 3],
    ['[]]', 0, 2],
    ['[{"a": 1}]{"b": 2}', 1, 10],
    ['[{"a": }]', 0, 1],
    ['[{"a": 1 "b": 2}]', 0, 9],
    ['[{"a": 1}, {"b": 2 3}, {"c": 3}]', 1, 19],
    ['[{"a": 1},]', 1, 10],
    ['[,{"a": 1}]', 0, 1],
    ['[{"a": 1},,{"b": 2}]', 1, 10],
    ['[{"a": 1} {"b": 2}]', 1, 10],
    ['[{"a": 1}\n\n x', 1, 12],
    ['[{"a": "\u0001"}]', 0, 8],
    ['[{"a": 1]', 0, 8],
    ['[{"a": tru}]', 0, 1],
    ["[{'a': 1}]", 0, 2],
    ['[{"a": 01}]', 0, 8],
    ['[{"a": 1}, {"b": NaN}]', 1, 11],
  ];

  it.each(cases)('%j → MalformedJsonError (rows before it: %d, at byte %d), however chunked', (text, rowsBefore, offset) => {
    const buf = Buffer.from(text, 'utf8');
    const rnd = prng(offset + 1);
    const chunkings: Buffer[][] = [[buf], randomChunks(buf, rnd), splitEvery(buf, 1)];
    for (let cut = 0; cut <= buf.length; cut++) chunkings.push(splitAt(buf, [cut]));
    for (const strategy of STRATEGIES) {
      for (const chunks of chunkings) {
        const o = run(chunks, { strategy });
        expect(o.error).toBeInstanceOf(MalformedJsonError);
        const e = o.error as MalformedJsonError;
        expect([o.rows.length, e.offset]).toEqual([rowsBefore, offset]);
        expect(o.parser.rowsEmitted).toBe(rowsBefore);
        expect(e.excerpt.length).toBeLessThanOrEqual(80);
        expect(e.message).toContain(`at byte ${offset}:`);
      }
    }
  });

  it('the excerpt stays short for huge rows', () => {
    const text = '[{"a": "' + 'x'.repeat(100000) + '", "b": 1 2, "c": "' + 'y'.repeat(100000) + '"}]';
    const o = run([text]);
    const e = o.error as MalformedJsonError;
    expect(e).toBeInstanceOf(MalformedJsonError);
    expect(e.excerpt.length).toBeLessThanOrEqual(80);
    expect(e.message.length).toBeLessThan(300);
    expect(e.offset).toBe(text.indexOf(' 2,') + 1);
  });

  it('errors are sticky and push after end is refused', () => {
    const p = new JsonArrayParser();
    expect(() => p.push('[1]')).toThrow(MalformedJsonError);
    expect(() => p.push(']')).toThrow(MalformedJsonError);
    expect(() => p.end()).toThrow(MalformedJsonError);

    const q = new JsonArrayParser();
    q.push('[]');
    expect(q.end()).toBeUndefined();
    expect(() => q.push(' ')).toThrow(/after end/);

    const t = new JsonArrayParser();
    t.push('[{"a": 1}');
    expect(() => t.end()).toThrow(TruncatedStreamError);
    expect(() => t.end()).toThrow(TruncatedStreamError);
  });

  it('rows before a malformed row in the same chunk are handed out first; the next call throws', () => {
    const p = new JsonArrayParser();
    const b = p.push('[{"a": 1}, {"b": 2}, {"c": }]');
    expect(b?.rows).toEqual([{ a: 1 }, { b: 2 }]);
    expect(p.rowsEmitted).toBe(2);
    expect(() => p.end()).toThrow(MalformedJsonError);
  });
});

describe('JsonArrayParser robustness', () => {
  it('a huge row spread over many small chunks is handled in linear time', () => {
    const nested = Array.from({ length: 20000 }, (_, k) => `{"k${k}": {"v": ${k}}}`).join(', ');
    const text = '[{"small": 1}, {"big": [' + nested + '], "s": "' + 'z'.repeat(500000) + '"}, {"small": 2}]';
    const buf = Buffer.from(text);
    for (const strategy of STRATEGIES) {
      const t0 = Date.now();
      const o = run(splitEvery(buf, 512), { strategy });
      expect(o.error).toBeUndefined();
      expect(o.rows).toHaveLength(3);
      expect(Date.now() - t0).toBeLessThan(3000);
    }
  });

  it('a row bigger than the scratch buffer limit, then small rows again', () => {
    const big = '{"big": "' + 'q'.repeat(10 << 20) + '"}';
    const text = '[' + big + ', {"a": 1}, {"b": 2}]';
    const buf = Buffer.from(text);
    for (const strategy of STRATEGIES) {
      const o = run(splitEvery(buf, 1 << 20), { strategy, keepRaw: true });
      expect(o.error).toBeUndefined();
      expect(o.rows).toHaveLength(3);
      expect(o.raw[0]).toBe(big);
      expect(o.rows.slice(1)).toEqual([{ a: 1 }, { b: 2 }]);
    }
  });
});


describe('parseJsonArrayStream', () => {
  async function* source(chunks: Array<Uint8Array | string>): AsyncGenerator<Uint8Array | string> {
    for (const c of chunks) {
      await Promise.resolve();
      yield c;
    }
  }

  it('yields batches of rows from an async iterable', async () => {
    const text = readFixtureText('data_pad.json');
    const chunks = splitEvery(Buffer.from(text), 4096);
    const rows: JsonRow[] = [];
    let batches = 0;
    let lastEnd = 0;
    for await (const batch of parseJsonArrayStream(source(chunks), { keepRaw: true })) {
      batches++;
      expect(batch.raw).toHaveLength(batch.rows.length);
      expect(batch.startOffset).toBeGreaterThan(lastEnd);
      lastEnd = batch.endOffset;
      rows.push(...batch.rows);
    }
    expect(batches).toBeGreaterThan(1);
    expect(rows).toEqual(JSON.parse(text));
  });

  it('feeds big chunks in pieces, so batches stay small', async () => {
    const rows = Array.from({ length: 5000 }, (_, k) => ({ timestamp: 1757980800 + k, v: k / 7, s: 'é😀"}, {' }));
    const text = JSON.stringify(rows, null, 1);
    expect(text.length).toBeGreaterThan(300 * 1024);
    for (const chunk of [Buffer.from(text), text]) {
      const out: JsonRow[] = [];
      let batches = 0;
      for await (const b of parseJsonArrayStream([chunk], { keepRaw: true })) {
        batches++;
        expect(b.rows).toEqual(b.raw!.map((r) => JSON.parse(r) as unknown));
        out.push(...b.rows);
      }
      expect(batches).toBeGreaterThanOrEqual(4);
      expect(out).toEqual(rows);
    }
  });

  it('accepts a plain iterable too', async () => {
    const rows: JsonRow[] = [];
    for await (const b of parseJsonArrayStream(['[{"a":', '1}, {"b": 2}', ']'])) rows.push(...b.rows);
    expect(rows).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it('throws TruncatedStreamError after yielding every complete row', async () => {
    const rows: JsonRow[] = [];
    await expect(
      (async () => {
        for await (const b of parseJsonArrayStream(source(['[{"a": 1}, {"b"', ': 2}, {"c": 3']))) rows.push(...b.rows);
      })(),
    ).rejects.toBeInstanceOf(TruncatedStreamError);
    expect(rows).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it('throws MalformedJsonError after yielding the rows before the fault', async () => {
    const rows: JsonRow[] = [];
    await expect(
      (async () => {
        for await (const b of parseJsonArrayStream(source(['[{"a": 1}, {"b": 2}, 3, {"c": 4}]']))) rows.push(...b.rows);
      })(),
    ).rejects.toBeInstanceOf(MalformedJsonError);
    expect(rows).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it('propagates source errors unchanged and closes the source when the consumer stops', async () => {
    const boom = new Error('socket hang up');
    async function* failing(): AsyncGenerator<string> {
      yield '[{"a": 1}, ';
      throw boom;
    }
    await expect(
      (async () => {
        for await (const _ of parseJsonArrayStream(failing())) void _;
      })(),
    ).rejects.toBe(boom);

    let closed = false;
    async function* endless(): AsyncGenerator<string> {
      try {
        yield '[';
        for (;;) yield '{"a": 1}, ';
      } finally {
        closed = true;
      }
    }
    for await (const b of parseJsonArrayStream(endless())) {
      expect(b.rows[0]).toEqual({ a: 1 });
      break;
    }
    expect(closed).toBe(true);
  });
});
