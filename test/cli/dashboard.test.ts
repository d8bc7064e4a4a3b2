/**
 * `restream dashboard` as users run it: a child process (`node --import tsx src/cli.ts`), its printed URL
 * fetched over real HTTP, stopped with SIGTERM. Waits are on the process's output, never on sleeps.
 */
import { request } from 'node:http';
import { startMockServer, type MockServer } from '../../src/mock';
import { startCli, type CliProcess } from '../helpers/cli-process';


function start(args: string[], env: Record<string, string> = {}): CliProcess {
  return startCli(args, { env });
}

/** The body of a GET, or the first `until` bytes of an event stream. */
function fetchText(url: string, until?: RegExp): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
        if (until?.test(body)) {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, body });
        }
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('restream dashboard', () => {
  let mock: MockServer;
  let env: Record<string, string>;

  beforeAll(async () => {
    mock = await startMockServer();
    env = { RESTREAM_HOST: mock.url, RESTREAM_CLIENT_ID: mock.clientId, RESTREAM_CLIENT_SECRET: mock.clientSecret };
  });
  afterAll(() => mock.close());

  it('--mock: prints the URL, serves the page and its stream, exits 0 on SIGTERM', async () => {
    const cli = start(['dashboard', '--mock', '--json', '--fields', 'M1_slurry_rate,tds']);
    await cli.until(() => cli.stdout.includes('\n'), 'the URL');
    const info = JSON.parse(cli.stdout.split('\n')[0]!) as { url: string; site: { id: number }; fields: string[] };
    expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[\w-]{22}\/$/);
    expect(info.site.id).toBe(1112);
    expect(info.fields).toEqual(['M1_slurry_rate', 'tds']);
    await cli.until(() => /Ctrl\+C stops it/.test(cli.stderr), 'the ready line');
    expect(cli.stderr).toMatch(/embedded mock server at http:\/\/127\.0\.0\.1:\d+, live rows every second/);
    expect(cli.stderr).not.toMatch(/warning/);

    const page = await fetchText(info.url);
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/<title>ReStream dashboard<\/title>/);
    // The embedded mock pushes a live row every second: the stream gets a snapshot, then rows.
    const events = await fetchText(`${info.url}events`, /event: rows\n/);
    expect(events.body).toMatch(/^retry: 1000\n\nevent: snapshot\ndata: \{"site":\{"id":1112,"name":/);
    expect(events.body).not.toContain('mock-client-secret');

    cli.child.kill('SIGTERM');
    expect(await cli.code()).toBe(0);
  }, 60_000);

  it('a field name the site does not have is a usage error listing close matches', async () => {
    const cli = start(['dashboard', '--site', '1112', '--fields', 'tds,slury_rate'], env);
    expect(await cli.code()).toBe(2);
    expect(cli.stdout).toBe('');
    expect(cli.stderr).toBe(
      "restream: --fields: site 1112 has no field 'slury_rate' (close matches: slurry_rate, M1_slurry_rate); 'restream fields site 1112' lists them (see 'restream dashboard --help')\n",
    );
    // Nothing was started: no live connection was made.
    expect(mock.realtime.connections).toHaveLength(0);
  }, 30_000);

  it('needs a site, and takes no API host with --mock', async () => {
    const noSite = start(['dashboard'], env);
    expect(await noSite.code()).toBe(2);
    expect(noSite.stderr).toMatch(/^restream: which site\? --site <id> \(or --mock for a demo\)/);
    const apiHost = start(['dashboard', '--mock', '--host', 'http://127.0.0.1:1']);
    expect(await apiHost.code()).toBe(2);
    expect(apiHost.stderr).toMatch(/--mock runs its own API: give no API --host with it/);
  }, 30_000);

  it('--host with an address other machines can reach prints a warning before it listens', async () => {
    // 192.0.2.1 (TEST-NET-1) is on no interface here: the warning comes first, then binding fails. Nothing
    // ever listens beyond loopback during the test.
    const cli = start(['dashboard', '--mock', '--host', '192.0.2.1']);
    expect(await cli.code()).toBe(1);
    expect(cli.stderr).toMatch(/restream: warning: the dashboard listens on 192\.0\.2\.1: other machines can reach it/);
    expect(cli.stderr).toMatch(/EADDRNOTAVAIL/);
    expect(cli.stderr.indexOf('warning')).toBeLessThan(cli.stderr.indexOf('EADDRNOTAVAIL'));
  }, 30_000);
});
