/**
 * Realtime measurement-stream benchmark: 100k WebSocket messages of one row and of ten rows (12 keys a
 * row) from the embedded mock server, read through the SDK (`for await` row by row, and `batches()`),
 * against a bare `ws` client that only counts frames (and sends the protocol's ack every 5 as the SDK
 * does, so the server works alike for both), in the same run. The mock runs in its own process
 * (its CPU is not the reader's); each case runs bundled in a fresh child process (bench/realtime-child.ts),
 * so peak RSS is the case's own.
 *
 *   npx tsx bench/realtime.bench.ts            100k messages per case
 *   npx tsx bench/realtime.bench.ts --quick    20k messages per case
 *
 * The Python SDK on the same kind of machine and messages: 61k rows/s with one-row messages, 200k rows/s
 * with ten-row messages. Targets: 3× with one-row messages, 2× with ten-row messages.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { startMockServer } from '../src/mock';
import type { CaseConfig, CaseResult, Kind } from './realtime-child';
import { bundleChild, ROOT, runJsonChild, type MockProcess } from './support';

let childScript = '';

/** The Python SDK, rows/s, and the target multiple, by rows per message. */
const PYTHON: Record<number, { rate: number; target: number }> = { 1: { rate: 61_000, target: 3 }, 10: { rate: 200_000, target: 2 } };

/** Runs one case in a fresh Node process (plain JS, no TypeScript loader in the measured process). */
function runChild(config: CaseConfig): Promise<CaseResult> {
  return runJsonChild<CaseResult>([childScript, JSON.stringify(config)], config.kind);
}

/** The mock server in its own process (this file with --serve). */
function startRealtimeMock(rowsPerMessage: number): Promise<MockProcess> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', __filename, '--serve', String(rowsPerMessage)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      const info = JSON.parse(out.slice(0, nl)) as Omit<MockProcess, 'stop'>;
      resolve({
        ...info,
        stop: () =>
          new Promise<void>((done) => {
            proc.once('close', () => done());
            proc.kill('SIGTERM');
          }),
      });
    });
    proc.on('error', reject);
  });
}

async function serve(rowsPerMessage: number): Promise<void> {
  const mock = await startMockServer({ rowShape: 'wide12', realtime: { rowsPerMessage, emptyFrameEvery: 0, prerenderHistory: true } });
  process.stdout.write(`${JSON.stringify({ url: mock.url, clientId: mock.clientId, clientSecret: mock.clientSecret })}\n`);
  process.on('SIGTERM', () => void mock.close().then(() => process.exit(0)));
}

const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const messages = quick ? 20_000 : 100_000;
  const dir = await mkdtemp(path.join(tmpdir(), 'restream-bench-'));
  childScript = bundleChild('realtime-child.ts', dir);
  console.log(`realtime bench on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${fmt(totalmem() / 2 ** 30, 0)} GiB, Node ${process.version}`);
  console.log(`${fmt(messages)} messages per case, rows of 12 keys; mock server in its own process; each case in a fresh child process`);
  console.log('vs bare ws = rows/s ÷ a bare ws client\'s that only counts frames; vs ws+parse = rows/s ÷ a bare ws client\'s that also JSON.parses each');
  console.log('message (the least a reader of rows does: the floor); same messages, same run. Python SDK: 61k rows/s (1 row/msg), 200k rows/s (10 rows/msg)');
  console.log('CPU µs/msg: the reader\'s own CPU per message; CPU-bound rows/s = rows ÷ that CPU time, what the reader could take from a faster server\n');
  const header = ['rows/msg', 'case', 'messages', 'rows', 'seconds', 'rows/s', 'µs/msg', 'CPU µs/msg', 'CPU-bound rows/s', 'peak RSS MB', 'vs bare ws', 'vs ws+parse', 'vs Python', 'target'];
  console.log(header.join('\t'));
  let failed = false;
  for (const rowsPerMessage of [1, 10]) {
    const mock = await startRealtimeMock(rowsPerMessage);
    try {
      const base = { url: mock.url, clientId: mock.clientId, clientSecret: mock.clientSecret, rowsPerMessage, messages };
      // A warm-up pass so the server's tables and JIT are ready for every case alike.
      await runChild({ ...base, kind: 'bare-ws', messages: Math.min(messages, 20_000) });
      const bare = await runChild({ ...base, kind: 'bare-ws' });
      const floor = await runChild({ ...base, kind: 'ws-parse' });
      const bareRate = bare.rows / bare.seconds;
      const floorRate = floor.rows / floor.seconds;
      const cases: Array<[Kind, CaseResult]> = [['bare-ws', bare], ['ws-parse', floor]];
      for (const kind of ['sdk-rows', 'sdk-batches'] as const) cases.push([kind, await runChild({ ...base, kind })]);
      for (const [kind, r] of cases) {
        const rate = r.rows / r.seconds;
        const py = PYTHON[rowsPerMessage]!;
        const sdk = kind === 'sdk-rows' || kind === 'sdk-batches';
        const meets = rate / py.rate >= py.target;
        if (kind === 'sdk-rows' && !meets) failed = true;
        console.log(
          [
            rowsPerMessage,
            kind,
            fmt(r.messages),
            fmt(r.rows),
            fmt(r.seconds, 2),
            fmt(rate),
            fmt((r.seconds * 1e6) / r.messages, 1),
            fmt((r.cpuSeconds * 1e6) / r.messages, 1),
            fmt(r.rows / r.cpuSeconds),
            fmt(r.maxRssMb),
            fmt(rate / bareRate, 2),
            kind === 'bare-ws' ? '' : fmt(rate / floorRate, 2),
            sdk ? `${fmt(rate / py.rate, 1)}×` : '',
            sdk ? `${py.target}× ${meets ? 'met' : 'MISSED'}` : '',
          ].join('\t'),
        );
      }
    } finally {
      await mock.stop();
    }
  }
  await rm(dir, { recursive: true, force: true });
  if (failed) console.log('\nrow-by-row iteration missed a target on this machine (see CPU µs/msg: what the reader itself costs)');
}

const serveIndex = process.argv.indexOf('--serve');
if (serveIndex >= 0) {
  serve(Number(process.argv[serveIndex + 1])).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
