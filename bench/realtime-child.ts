/**
 * One case of the realtime benchmark (bench/realtime.bench.ts), run bundled in a fresh `node` process:
 * `node realtime-child.cjs '<CaseConfig JSON>'` prints the CaseResult as its last line.
 */
import WebSocket from 'ws';
import { Restream } from '../src';
import { reportCase } from './support';

/**
 * `bare-ws` counts frames; `ws-parse` also decodes and `JSON.parse`s each one (the least any reader of
 * rows must do: the floor for the SDK); `sdk-rows` and `sdk-batches` read through the SDK.
 */
export type Kind = 'bare-ws' | 'ws-parse' | 'sdk-rows' | 'sdk-batches';
export interface CaseConfig {
  url: string;
  clientId: string;
  clientSecret: string;
  kind: Kind;
  rowsPerMessage: number;
  messages: number;
}
export interface CaseResult {
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

const ACK = '{"ack": "true"}';
const spaced = (s: number): string => new Date(s * 1000).toISOString().slice(0, 19).replace('T', ' ');

async function runCase(cfg: CaseConfig): Promise<CaseResult> {
  const rowsWanted = cfg.messages * cfg.rowsPerMessage;
  const start = new Date(START * 1000);
  const end = new Date((START + rowsWanted - 1) * 1000);
  const rs = new Restream({ host: cfg.url, clientId: cfg.clientId, clientSecret: cfg.clientSecret, env: {} });
  const token = await rs.auth.getAccessToken();

  if (cfg.kind === 'bare-ws' || cfg.kind === 'ws-parse') {
    const parse = cfg.kind === 'ws-parse';
    let rows = 0;
    const url = `${cfg.url.replace(/^http/, 'ws')}/ws/data/site/1112/?${new URLSearchParams({ session_key: `bare${process.pid}`, start_datetime: spaced(START), end_datetime: spaced(START + rowsWanted - 1) })}`;
    let cpu = process.cpuUsage();
    let began = process.hrtime.bigint();
    const frames = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(url, { headers: { Authorization: `Bearer ${token}` }, perMessageDeflate: false, skipUTF8Validation: true });
      let n = 0;
      let corked = false;
      ws.on('message', (data: Buffer) => {
        if (parse) {
          const { message } = JSON.parse(data.toString()) as { message: unknown };
          rows += Array.isArray(message) ? message.length : 1;
        }
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
    if (parse && rows !== frames * cfg.rowsPerMessage) throw new Error(`parsed ${rows} rows from ${frames} messages`);
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


if (require.main === module) {
  reportCase(runCase(JSON.parse(process.argv[2]!) as CaseConfig));
}
