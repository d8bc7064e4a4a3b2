/**
 * One case of the data benchmark, run by bench/data.bench.ts in a fresh process: it prints one JSON line,
 * its result. Compiled to plain JavaScript before it runs, so no TypeScript loader is measured.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Restream } from '../src';
import { reportCase } from './support';

export interface CaseConfig {
  url: string;
  clientId: string;
  clientSecret: string;
  kind: 'iterate' | 'csv' | 'json' | 'ndjson' | 'jsonparse';
  rows: number;
  dir: string;
}

export interface CaseResult {
  rows: number;
  bytes: number;
  seconds: number;
  maxRssMb: number;
  /** CPU seconds of the case's process (user + system) while it ran. */
  cpuSeconds?: number;
  /** Of which in the kernel. */
  sysSeconds?: number;
}

const START = Date.UTC(2025, 0, 1) / 1000;

export async function runCase(config: CaseConfig): Promise<CaseResult> {
  const rs = new Restream({ host: config.url, clientId: config.clientId, clientSecret: config.clientSecret, env: {} });
  const startDatetime = new Date(START * 1000);
  const endDatetime = new Date((START + config.rows - 1) * 1000);
  await rs.auth.getAccessToken();

  if (config.kind === 'jsonparse') {
    const token = await rs.auth.getAccessToken();
    const url = new URL('/external/thirdparty/v1/sites/1112/data/', config.url);
    url.searchParams.set('start_datetime', startDatetime.toISOString().slice(0, 19).replace('T', ' '));
    url.searchParams.set('end_datetime', endDatetime.toISOString().slice(0, 19).replace('T', ' '));
    const text = await (await fetch(url, { headers: { Authorization: `Bearer ${token}` } })).text();
    // The median of three parses: one parse of a few hundred MB swings by a third on a busy VM.
    const times: number[] = [];
    let rows = 0;
    for (let run = 0; run < 3; run++) {
      const began = process.hrtime.bigint();
      rows = (JSON.parse(text) as unknown[]).length;
      times.push(Number(process.hrtime.bigint() - began) / 1e9);
    }
    const seconds = times.sort((a, b) => a - b)[1]!;
    return { rows, bytes: Buffer.byteLength(text), seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 };
  }

  const data = rs.site(1112).getData({ startDatetime, endDatetime });
  const cpuBefore = process.cpuUsage();
  const began = process.hrtime.bigint();
  let rows = 0;
  let bytes = 0;
  if (config.kind === 'iterate') {
    const progress = { rows: 0, bytes: 0 };
    let check = 0;
    for await (const batch of data.batches({ progress })) {
      for (const row of batch.rows) check += row.timestamp > 0 ? 1 : 0;
    }
    rows = check;
    bytes = progress.bytes;
  } else {
    const file = path.join(config.dir, `out.${config.kind}`);
    const result = await data.save(file, {
      onProgress: (p) => {
        bytes = p.bytes;
      },
    });
    rows = result.rows;
    await rm(file, { force: true });
  }
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  return { rows, bytes, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024, cpuSeconds: (cpu.user + cpu.system) / 1e6, sysSeconds: cpu.system / 1e6 } as CaseResult;
}


if (require.main === module) {
  reportCase(runCase(JSON.parse(process.argv[2]!) as CaseConfig));
}
