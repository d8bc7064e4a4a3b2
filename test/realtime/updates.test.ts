/**
 * Instance updates and data-change events through the SDK: models or wire objects, confirmation over REST,
 * de-duplication, one stream per URL in a process, reconnects.
 */
import { WebSocketServer } from 'ws';
import { Pad, Site, type Restream } from '../../src';
import { DataChange } from '../../src/models/data-change';
import type { MockServer } from '../../src/mock';
import { FAST, client, nextStreamEvent, startRealtimeMock, until } from './helpers';

let mock: MockServer;
let rs: Restream;

beforeEach(async () => {
  mock = await startRealtimeMock();
  rs = client(mock);
});
afterEach(async () => {
  await mock.close();
});

describe('instance updates', () => {
  it('yields the site as a Site model on connect and after each change, through a dropped link', async () => {
    const stream = rs.site(1112).getRealtimeInstanceUpdates({ reconnect: FAST });
    const it = stream[Symbol.asyncIterator]();
    const first = (await it.next()).value as Site;
    expect(first).toBeInstanceOf(Site);
    expect(first).toMatchObject({ id: 1112, pad_id: 697 });
    expect(first.date_created).toBeInstanceOf(Date);
    mock.realtime.pushInstanceUpdate({ site: 1112 }, { stage_total: 77 });
    expect(((await it.next()).value as Site).stage_total).toBe(77);
    // After a reconnect the server sends the current object again.
    mock.realtime.dropConnections();
    const again = (await it.next()).value as Site;
    expect(again.stage_total).toBe(77);
    expect(stream.stats.connections).toBe(2);
    // The model works like any other: its own methods, its client.
    expect((await again.getPad()).id).toBe(697);
    await it.return!();
  });

  it('yields Pad models on a pad, and wire objects with asDict', async () => {
    const pads = rs.pad(697).getRealtimeInstanceUpdates({ reconnect: FAST });
    for await (const pad of pads) {
      expect(pad).toBeInstanceOf(Pad);
      expect(pad.id).toBe(697);
      break;
    }
    const raw = rs.site(1111).getRealtimeInstanceUpdates({ asDict: true, reconnect: FAST });
    for await (const site of raw) {
      expect(site).not.toBeInstanceOf(Site);
      expect(typeof site.date_created).toBe('string');
      break;
    }
  });

  it('a second stream on the same URL in this process waits for the first to end (no 429s)', async () => {
    const a = rs.site(1112).getRealtimeInstanceUpdates({ reconnect: FAST });
    const b = client(mock).site(1112).getRealtimeInstanceUpdates({ reconnect: FAST });
    const ai = a[Symbol.asyncIterator]();
    await ai.next();
    let bOpened = false;
    b.on('open', () => (bOpened = true));
    const bFirst = b[Symbol.asyncIterator]().next();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(bOpened).toBe(false);
    expect(mock.realtime.connections).toHaveLength(1);
    await ai.return!();
    expect(((await bFirst).value as Site).id).toBe(1112);
    expect(mock.realtime.connections.map((c) => c.status)).toEqual([101, 101]);
    await b.close();
  });
});

describe('data-change events', () => {
  it('yields DataChange models that confirm over REST', async () => {
    const stream = rs.site(1112).getRealtimeDataChangesUpdates({ reconnect: FAST });
    const it = stream[Symbol.asyncIterator]();
    const pending = it.next();
    await nextStreamEvent(stream, 'open');
    const [created] = mock.realtime.pushDataChange(1112, { modification_subtype: 'delete' });
    const change = (await pending).value as DataChange;
    expect(change).toBeInstanceOf(DataChange);
    expect(change).toMatchObject({ id: created!.id, site: 1112, modification_subtype: 'delete' });
    expect(change.start_date).toBeInstanceOf(Date);
    mock.clearRequests();
    await change.confirmDataReceived();
    const post = mock.requests.find((r) => r.method === 'POST');
    expect(post).toMatchObject({ path: '/external/thirdparty/v1/sites/1112/data_changes/', body: { change_log: [{ id: created!.id, update_received: true }] } });
    const { changes } = await rs.site(1112).getDataChanges();
    expect(changes.map((c) => c.id)).not.toContain(created!.id);
    await it.return!();
  });

  it('flattens lists; a pad gets its sites\' changes; asDict gives wire objects that still confirm', async () => {
    const stream = rs.pad(697).getRealtimeDataChangesUpdates({ asDict: true, reconnect: FAST });
    const it = stream[Symbol.asyncIterator]();
    const first = it.next();
    await nextStreamEvent(stream, 'open');
    const list = mock.realtime.pushDataChange(1111, [{}, { modification_subtype: 'change' }]);
    const one = mock.realtime.pushDataChange(1113);
    const got = [(await first).value, (await it.next()).value, (await it.next()).value];
    expect(got.map((c) => c!.id)).toEqual([...list, ...one].map((c) => c.id));
    expect(typeof got[0]!.start_date).toBe('string');
    expect(JSON.stringify(got[0])).toBe(JSON.stringify(list[0]));
    await got[2]!.confirmDataReceived();
    expect(mock.requests.at(-1)).toMatchObject({ method: 'POST', path: '/external/thirdparty/v1/pads/697/data_changes/' });
    await it.return!();
  });

  it('drops an event it has already had (by id), e.g. sent again after a reconnect', async () => {
    // A server of our own on the mock's port that sends the same change twice, then a new one.
    const wss = new WebSocketServer({ noServer: true });
    const change = { id: 9001, created_at: '2025-10-09T07:00:00.123456Z', modification_type: 'translation_layer', modification_subtype: 'add', start_date: '2025-10-09T05:00:00Z', end_date: '2025-10-09T06:00:00Z', site: 1112 };
    mock.onUpgrade((req, socket, head) =>
      wss.handleUpgrade(req, socket, head, (ws) => {
        ws.send(JSON.stringify(change));
        ws.send(JSON.stringify([change, { ...change, id: 9002 }]));
        ws.send('');
      }),
    );
    const stream = rs.site(1112).getRealtimeDataChangesUpdates({ reconnect: FAST });
    const ids: number[] = [];
    for await (const c of stream) if (ids.push(c.id) === 2) break;
    expect(ids).toEqual([9001, 9002]);
    expect(stream.stats).toMatchObject({ duplicates: 1, emptyFrames: 1 });
    wss.close();
  });

  it('events pushed while the stream reconnects are delivered after it', async () => {
    const stream = rs.site(1112).getRealtimeDataChangesUpdates({ reconnect: FAST });
    const it = stream[Symbol.asyncIterator]();
    const first = it.next();
    await nextStreamEvent(stream, 'open');
    mock.realtime.dropConnections();
    await until(mock.realtime, 'closed', () => mock.realtime.openConnections() === 0);
    const [created] = mock.realtime.pushDataChange(1112);
    expect((await first).value!.id).toBe(created!.id);
    await it.return!();
  });
});
