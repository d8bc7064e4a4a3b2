/**
 * One case of the sync benchmark, run by bench/sync.bench.ts in a fresh process (compiled to plain
 * JavaScript first): the same rows synced into DuckDB, into PostgreSQL, or saved to Parquet (the yardstick).
 * Prints one JSON line, its result.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Restream } from '../src';
import { reportCase } from './support';

export interface SyncCaseConfig {
  url: string;
  clientId: string;
  clientSecret: string;
  kind: 'parquet' | 'duckdb' | 'postgres';
  rows: number;
  dir: string;
  /** The PostgreSQL database (postgres case). */
  postgres?: string;
}

export interface SyncCaseResult {
  rows: number;
  seconds: number;
  maxRssMb: number;
  cpuSeconds: number;
}

/** The rows: site 1112, one a second from here. */
const START = Date.UTC(2025, 0, 1) / 1000;

export async function runSyncCase(config: SyncCaseConfig): Promise<SyncCaseResult> {
  const rs = new Restream({ host: config.url, clientId: config.clientId, clientSecret: config.clientSecret, env: {} });
  const startDatetime = new Date(START * 1000);
  const endDatetime = new Date((START + config.rows - 1) * 1000);
  await rs.auth.getAccessToken();
  const cpuBefore = process.cpuUsage();
  const began = process.hrtime.bigint();
  let rows: number;
  if (config.kind === 'parquet') {
    const file = path.join(config.dir, 'bench.parquet');
    rows = (await rs.site(1112).getData({ startDatetime, endDatetime }).save(file, { overwrite: true })).rows;
    await rm(file, { force: true });
  } else {
    const into = config.kind === 'duckdb' ? path.join(config.dir, `bench-${process.pid}.duckdb`) : config.postgres!;
    rows = (await rs.sync({ sites: [1112], startDatetime, endDatetime, into })).rows;
    if (config.kind === 'duckdb') await rm(into, { force: true });
  }
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  return { rows, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

if (require.main === module) {
  reportCase(runSyncCase(JSON.parse(process.argv[2]!) as SyncCaseConfig));
}
