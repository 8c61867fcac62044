import { expect, it } from 'vitest';
import { AmiClient } from '../../../core/asterisk/ami-client.ts';
import { runSim } from './cli.ts';

it('runSim starts a simulator, prints its ports, and stops cleanly', async () => {
  const lines: string[] = [];
  const sim = await runSim({ print: (l) => lines.push(l), generatorSeed: 3, generatorStepMs: 10 });
  try {
    expect(lines.join('\n')).toContain(`AMI  127.0.0.1:${sim.ports.ami}`);
    expect(lines.join('\n')).toContain(`hostKeySha256 ${sim.hostKeySha256}`);
    const c = new AmiClient({ host: '127.0.0.1', port: sim.ports.ami, username: 'acmtest', secret: 'acmtest-Secret1', keepAliveMs: 0 });
    await c.connect();
    expect(await c.command('core show version')).toHaveLength(1);
    await c.close();
  } finally {
    await sim.stop();
  }
});
