/**
 * Realtime measurement-stream benchmark: 100k WebSocket messages of one row and of ten rows (12 keys a
 * row) from the embedded mock server, read through the SDK (`for await` row by row, and `batches()`),
 * against a bare `ws` client that only counts frames (and sends the protocol's ack every 5 as the SDK
 * does, so the server works alike for both), in the same run. The mock runs in its own process
 * (its CPU is not the reader's); each case runs in a fresh child process, so peak RSS is the case's own.
 *
 *   npx tsx bench/realtime.bench.ts            100k messages per case
 *   npx tsx bench/realtime.bench.ts --quick    20k messages per case
 *
 * The Python SDK on the same kind of machine and messages: 61k rows/s with one-row messages, 200k rows/s
 * with ten-row messages. Targets: 3× with one-row messages, 2× with ten-row messages.
 */
import { spawn } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import WebSocket from 'ws';
import { Restream } from '../src';
import { startMockServer } from '../src/mock';
import { ROOT, reportCase, runJsonChild, type MockProcess } from './support';

type Kind = 'bare-ws' | 'sdk-rows' | 'sdk-batches';
interface CaseConfig {
  url: string;
  clientId: string;
  clientSecret: string;
  kind: Kind;
  rowsPerMessage: number;
  messages: number;
}
interface CaseResult {
  messages: number;
  rows: number;
  seconds: number;
  /** CPU time (user + system) of the reading process over the same span. */
  cpuSeconds: number;
  maxRssMb: number;
}

/** CPU seconds since `from` (a process.cpuUsage() reading). */
const cpuSince = (from: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1e6;
};

const START = Date.UTC(2025, 0, 1) / 1000;
/** The Python SDK, rows/s, and the target multiple, by rows per message. */
const PYTHON: Record<number, { rate: number; target: number }> = { 1: { rate: 61_000, target: 3 }, 10: { rate: 200_000, target: 2 } };

const ACK = '{"ack": "true"}';
const spaced = (s: number): string => new Date(s * 1000).toISOString().slice(0, 19).replace('T', ' ');

async function runCase(cfg: CaseConfig): Promise<CaseResult> {
  const rowsWanted = cfg.messages * cfg.rowsPerMessage;
  const start = new Date(START * 1000);
  const end = new Date((START + rowsWanted - 1) * 1000);
  const rs = new Restream({ host: cfg.url, clientId: cfg.clientId, clientSecret: cfg.clientSecret, env: {} });
  const token = await rs.auth.getAccessToken();

  if (cfg.kind === 'bare-ws') {
    const url = `${cfg.url.replace(/^http/, 'ws')}/ws/data/site/1112/?${new URLSearchParams({ session_key: `bare${process.pid}`, start_datetime: spaced(START), end_datetime: spaced(START + rowsWanted - 1) })}`;
    let cpu = process.cpuUsage();
    let began = process.hrtime.bigint();
    const frames = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(url, { headers: { Authorization: `Bearer ${token}` }, perMessageDeflate: false, skipUTF8Validation: true });
      let n = 0;
      let corked = false;
      ws.on('message', () => {
        if (++n === 1) {
          // The clock starts at the first message (the server renders the replay when the session opens).
          cpu = process.cpuUsage();
          began = process.hrtime.bigint();
        }
        if (n === cfg.messages) {
          ws.terminate();
          resolve(n);
        } else if (n % 5 === 0) {
          // The protocol's ack, so the server does the same work for both readers (it drops acked frames),
          // sent as the SDK sends it: coalesced for up to 2 ms on a corked socket.
          const raw = (ws as unknown as { _socket: { cork(): void; uncork(): void } })._socket;
          if (!corked) {
            corked = true;
            raw.cork();
            setTimeout(() => {
              corked = false;
              raw.uncork();
            }, 2);
          }
          ws.send(ACK);
        }
      });
      ws.on('error', reject);
    });
    const seconds = Number(process.hrtime.bigint() - began) / 1e9;
    return { messages: frames, rows: frames * cfg.rowsPerMessage, seconds, cpuSeconds: cpuSince(cpu), maxRssMb: process.resourceUsage().maxRSS / 1024 };
  }

  const { stream } = await rs.site(1112).getRealtimeMeasurementsData({ startDatetime: start, endDatetime: end });
  let cpu = process.cpuUsage();
  let began = process.hrtime.bigint();
  // The clock starts at the first row, as for the bare client: the first message counts, its wait does not.
  const startClock = (): void => {
    cpu = process.cpuUsage();
    began = process.hrtime.bigint();
  };
  let rows = 0;
  let check = 0;
  if (cfg.kind === 'sdk-rows') {
    for await (const row of stream) {
      if (rows === 0) startClock();
      check += row.timestamp > 0 ? 1 : 0;
      if (++rows === rowsWanted) break;
    }
  } else {
    for await (const batch of stream.batches()) {
      if (rows === 0) startClock();
      for (const row of batch) check += row.timestamp > 0 ? 1 : 0;
      rows += batch.length;
      if (rows >= rowsWanted) break;
    }
  }
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  const cpuSeconds = cpuSince(cpu);
  if (check !== rows) throw new Error('rows without timestamp');
  const stats = stream.stats;
  return { messages: stats.frames, rows, seconds, cpuSeconds, maxRssMb: process.resourceUsage().maxRSS / 1024 };
}

function runChild(config: CaseConfig): Promise<CaseResult> {
  return runJsonChild<CaseResult>(['--import', 'tsx', __filename, '--case', JSON.stringify(config)], config.kind);
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
  console.log(`realtime bench on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${fmt(totalmem() / 2 ** 30, 0)} GiB, Node ${process.version}`);
  console.log(`${fmt(messages)} messages per case, rows of 12 keys; mock server in its own process; each case in a fresh child process`);
  console.log('ratio = rows/s ÷ bare ws rows/s (same messages, same run); Python SDK: 61k rows/s (1 row/msg), 200k rows/s (10 rows/msg)');
  console.log('CPU µs/msg: the reader\'s own CPU per message; CPU-bound rows/s = rows ÷ that CPU time, what the reader could take from a faster server\n');
  const header = ['rows/msg', 'case', 'messages', 'rows', 'seconds', 'rows/s', 'µs/msg', 'CPU µs/msg', 'CPU-bound rows/s', 'peak RSS MB', 'vs bare ws', 'vs Python', 'target'];
  console.log(header.join('\t'));
  let failed = false;
  for (const rowsPerMessage of [1, 10]) {
    const mock = await startRealtimeMock(rowsPerMessage);
    try {
      const base = { url: mock.url, clientId: mock.clientId, clientSecret: mock.clientSecret, rowsPerMessage, messages };
      // A warm-up pass so the server's tables and JIT are ready for every case alike.
      await runChild({ ...base, kind: 'bare-ws', messages: Math.min(messages, 20_000) });
      const bare = await runChild({ ...base, kind: 'bare-ws' });
      const bareRate = bare.rows / bare.seconds;
      for (const [kind, r] of [['bare-ws', bare], ['sdk-rows', await runChild({ ...base, kind: 'sdk-rows' })], ['sdk-batches', await runChild({ ...base, kind: 'sdk-batches' })]] as Array<[Kind, CaseResult]>) {
        const rate = r.rows / r.seconds;
        const py = PYTHON[rowsPerMessage]!;
        const sdk = kind !== 'bare-ws';
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
            sdk ? `${fmt(rate / py.rate, 1)}×` : '',
            sdk ? `${py.target}× ${meets ? 'met' : 'MISSED'}` : '',
          ].join('\t'),
        );
      }
    } finally {
      await mock.stop();
    }
  }
  if (failed) console.log('\nrow-by-row iteration missed a target on this machine (see CPU µs/msg: what the reader itself costs)');
}

const caseIndex = process.argv.indexOf('--case');
const serveIndex = process.argv.indexOf('--serve');
if (caseIndex >= 0) {
  reportCase(runCase(JSON.parse(process.argv[caseIndex + 1]!) as CaseConfig));
} else if (serveIndex >= 0) {
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
