import { describe, expect, it } from 'vitest';
import type { AmiService } from '../../../sdk/index.ts';
import { LinkBoard, parseDundiPeers, parseIaxPeers } from '../live.ts';
import { parseKeys, verifyKeys } from '../verify.ts';

// As Asterisk 20.20.1 printed them (cfg-dundi-lookup-two-instances: `iax2 show peers`, `dundi show peers`, `keys show`).
const IAX = [
  'Name/Username    Host                                           Mask                                      Port           Status      Description                     ',
  'b/priv           127.0.0.1                                (S)  255.255.255.255                           14569          OK (3 ms)                                   ',
  '1 iax2 peers [1 online, 0 offline, 0 unmonitored]',
];
const DUNDI = [
  'EID                  Host                                          Port   Model      AvgTime  Status         ',
  '02:00:00:00:00:0b    127.0.0.1                                 (S) 14520  Symmetric  Unavail  OK (1 ms)      ',
  '1 dundi peers [1 online, 0 offline, 0 unmonitored]',
];
const KEYS = [
  'Key Name           Type     Status           Sum                              ',
  '------------------ -------- ---------------- -------------------------------- ',
  'acm-b              PUBLIC   [Loaded]         9a5ac3b818c77a4b561d890947e7fb6c ',
  'acm-a              PUBLIC   [Loaded]         a3847c10f05f3f95ea5ed5f8e86b2d6c ',
  'acm-a              PRIVATE  [Loaded]         a9bc52672c601255b6123a09441ab558 ',
  '',
  '3 known RSA keys.',
];

describe('link status and key output as Asterisk prints it', () => {
  it('parses iax2 and dundi peers', () => {
    expect([...parseIaxPeers(IAX)]).toEqual([['b', { status: 'OK', ms: 3 }]]);
    expect([...parseDundiPeers(DUNDI)]).toEqual([['02:00:00:00:00:0b', { status: 'OK', ms: 1 }]]);
    expect([...parseIaxPeers(['acm-tpa1/acm-am 127.0.0.1 (S) 255.255.255.255 4569 UNREACHABLE'])]).toEqual([['acm-tpa1', { status: 'UNREACHABLE', ms: null }]]);
  });

  it('parses keys show and finds a key that is not loaded', async () => {
    expect(parseKeys(KEYS).get('acm-a')?.map((k) => k.type)).toEqual(['PUBLIC', 'PRIVATE']);
    const probe = { command: async () => KEYS };
    expect(await verifyKeys(probe, [{ path: '/k/acm-a.key' }, { path: '/k/acm-b.pub' }])).toEqual([]);
    expect((await verifyKeys(probe, [{ path: '/k/acm-b.key' }, { path: '/k/acm-c.pub' }])).map((f) => f.object)).toEqual(['key acm-b', 'key acm-c']);
  });

  it('the tile: red while no link is up, green when every link is up both ways; only changes are answered', async () => {
    let iax = IAX;
    const ami = { connected: () => [{ serverId: 1, clusterId: 1, name: 'a1' }, { serverId: 2, clusterId: 1, name: 'a2' }], command: async (_s: number, cli: string) => (cli.startsWith('iax2') ? iax : DUNDI) } as unknown as AmiService;
    const board = new LinkBoard(ami);
    const poll = () => board.poll(() => ({ id: 1, name: 'default' }), new Map([[1, [{ id: 11, tenantId: 1, siteId: 1, name: 'b' }]]]), () => '02:00:00:00:00:0b');
    // `b`'s iax name is acm-b: not in the recorded list.
    expect((await poll()).map((r) => r.iax)).toEqual(['missing', 'missing']);
    expect(board.tile().state).toBe('red');
    iax = [IAX[0]!, 'acm-b/acm-a      127.0.0.1 (S) 255.255.255.255 4569 OK (2 ms)'];
    expect((await poll()).map((r) => [r.iax, r.dundi])).toEqual([['OK', 'OK'], ['OK', 'OK']]);
    expect(board.tile()).toMatchObject({ state: 'green', summary: '2 of 2 link(s) up: IAX UP / DUNDI UP' });
    expect(await poll()).toEqual([]);
  });
});
