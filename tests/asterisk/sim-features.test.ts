/**
 * res_parking lots (AMI Parkinglots, res/parking/parking_manager.c) and app_confbridge profiles
 * (CLI `confbridge show profile bridges|users`, `confbridge show menus`,
 * apps/confbridge/conf_config_parser.c) on reload and at boot. No recording has these answers:
 * the formats are the source's format strings.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SimulatedAsterisk } from '../../sdk/testing/sim/index.ts';
import { countFrames, fixture, loginRaw } from './helpers.ts';

let sim: SimulatedAsterisk;

beforeEach(async () => {
  sim = new SimulatedAsterisk();
  await sim.start({ sshPort: -1, registrations: {}, queues: {}, configFiles: { ...defaults(), 'res_parking.conf': fixture('conf-res_parking.conf'), 'confbridge.conf': fixture('conf-confbridge.conf') } });
});

afterEach(async () => {
  await sim.stop();
});

function defaults(): Record<string, string> {
  return { 'pjsip.conf': fixture('conf-pjsip.conf'), 'extensions.conf': fixture('conf-extensions.conf') };
}

async function ami(action: string, frames: number): Promise<string> {
  const c = await loginRaw(sim.ports.ami);
  try {
    c.send(`${action}\r\n\r\n`);
    await c.waitFor((d) => countFrames(d) >= frames);
    return c.take();
  } finally {
    c.close();
  }
}

describe('res_parking', () => {
  it('Parkinglots lists each lot with its spaces and timeout', async () => {
    expect(await ami('Action: Parkinglots\r\nActionID: p1', 3)).toBe(
      'Response: Success\r\nActionID: p1\r\nEventList: start\r\nMessage: Parking lots will follow\r\n\r\n'
      + 'Event: Parkinglot\r\nActionID: p1\r\nName: default\r\nStartSpace: 801\r\nStopSpace: 850\r\nTimeout: 45\r\n\r\n'
      + 'Event: ParkinglotsComplete\r\nActionID: p1\r\nEventList: Complete\r\nListItems: 1\r\n\r\n',
    );
  });

  it('a new lot appears after reload; a rejected file is a reload failure and keeps the lots', () => {
    sim.writeConfig('res_parking.conf', `${fixture('conf-res_parking.conf')}\n[sales]\nparkpos => 901-910\nparkingtime => 60\n`);
    expect(sim.state.reloadModule('res_parking.so')).toEqual({ ok: true, message: 'Module Reloaded', status: 0 });
    expect(sim.state.modules.parking.lots.map((l) => [l.name, l.start, l.stop, l.timeout]).sort()).toEqual([['default', 801, 850, 45], ['sales', 901, 910, 60]]);
    sim.writeConfig('res_parking.conf', '[sales\nparkpos => 1-2\n');
    const n = sim.state.log.length;
    expect(sim.state.reloadModule('res_parking.so')).toEqual({ ok: false, message: 'An unknown error occurred', status: 3 });
    // As a live 20.20.1 logged it (path shown as the standard /etc/asterisk).
    expect(sim.state.log.slice(n)).toEqual([
      "WARNING config.c: parse error: no closing ']', line 1 of /etc/asterisk/res_parking.conf",
      'ERROR config_options.c: Contents of res_parking.conf are invalid and cannot be parsed',
    ]);
    expect(sim.state.modules.parking.lots.map((l) => l.name).sort()).toEqual(['default', 'sales']);
  });

  it('without a [default] lot Asterisk adds one with the defaults', () => {
    sim.writeConfig('res_parking.conf', '[general]\n[vip]\nparkpos => 71-72\n');
    sim.state.reloadModule('res_parking.so');
    expect(sim.state.modules.parking.lots.find((l) => l.name === 'default')).toMatchObject({ start: 701, stop: 750, timeout: 45 });
  });
});

describe('app_confbridge', () => {
  const cli = (c: string) => sim.ami.cli(c);

  it('lists profiles and menus, adding the default ones', () => {
    expect(cli('confbridge show profile bridges')).toEqual(['--------- Bridge Profiles -----------', 'default_bridge']);
    expect(cli('confbridge show profile users')).toEqual(['--------- User Profiles -----------', 'default_user']);
    expect(cli('confbridge show menus')?.[0]).toBe('--------- Menus -----------');
    expect(cli('confbridge show menus')?.slice(1).sort()).toEqual(['default_menu', 'sample_user_menu']);
    expect(sim.state.log).toContain('NOTICE conf_config_parser.c: Adding default_menu menu to app_confbridge');
  });

  it('a rejected file is a reload failure and keeps the old profiles', async () => {
    sim.writeConfig('confbridge.conf', `${fixture('conf-confbridge.conf')}\n[sales_bridge]\ntype = bridge\nmax_members = 10\n`);
    expect(sim.state.reloadModule('app_confbridge.so').status).toBe(0);
    expect(cli('confbridge show profile bridges')?.slice(1).sort()).toEqual(['default_bridge', 'sales_bridge']);
    sim.writeConfig('confbridge.conf', '[broken\ntype = bridge\n');
    expect(await ami('Action: Reload\r\nActionID: r\r\nModule: app_confbridge.so', 1)).toBe('Response: Error\r\nActionID: r\r\nMessage: An unknown error occurred\r\n\r\n');
    expect(cli('confbridge show profile bridges')?.slice(1).sort()).toEqual(['default_bridge', 'sales_bridge']);
    // Reloading the untouched rejected file succeeds and changes nothing (seen live on 20.20.1).
    expect(sim.state.reloadModule('app_confbridge.so').status).toBe(0);
    expect(cli('confbridge show profile bridges')?.slice(1).sort()).toEqual(['default_bridge', 'sales_bridge']);
  });

  it('files rejected at boot: app_confbridge and res_parking decline, their commands do not exist', async () => {
    sim.writeConfig('confbridge.conf', '[x]\ntype = nonsense\n');
    sim.writeConfig('res_parking.conf', '[sales\n');
    await sim.restart();
    expect(sim.state.log).toEqual(expect.arrayContaining(['ERROR app_confbridge.c: Unable to load config. Not loading module.', 'ERROR loader.c: app_confbridge declined to load.', 'ERROR loader.c: res_parking declined to load.']));
    expect(await ami('Action: Parkinglots\r\nActionID: p2', 1)).toBe('Response: Error\r\nActionID: p2\r\nMessage: Invalid/unknown command: Parkinglots. Use Action: ListCommands to show available commands.\r\n\r\n');
    expect(await ami('Action: Reload\r\nActionID: r2\r\nModule: res_parking.so', 1)).toBe('Response: Error\r\nActionID: r2\r\nMessage: Module not initialized\r\n\r\n');
    expect(cli('confbridge show profile bridges')).toBeUndefined();
    expect(sim.state.reloadModule('app_confbridge.so')).toEqual({ ok: false, message: 'Module not initialized', status: 5 });
    sim.writeConfig('confbridge.conf', fixture('conf-confbridge.conf'));
    expect(cli('module load app_confbridge.so')).toEqual(['Loaded app_confbridge.so']);
    expect(cli('confbridge show profile users')).toEqual(['--------- User Profiles -----------', 'default_user']);
  });
});
