import { describe, expect, it } from 'vitest';
import { orderByDependencies } from './order.ts';

const n = (id: string, ...requires: string[]) => ({ id, requires });

describe('orderByDependencies', () => {
  it('puts every plugin after what it requires, ties broken by id', () => {
    const order = orderByDependencies([n('hotdesk', 'queues'), n('queues', 'status'), n('status'), n('fax')]).map((x) => x.id);
    expect(order).toEqual(['fax', 'status', 'queues', 'hotdesk']);
  });

  it('names the plugin and the missing dependency', () => {
    expect(() => orderByDependencies([n('dialer', 'queues')])).toThrow('plugin "dialer" requires "queues", which is not installed');
  });

  it('says when the dependency exists but is not enabled', () => {
    expect(() => orderByDependencies([n('dialer', 'queues')], new Set(['queues', 'dialer'])))
      .toThrow('plugin "dialer" requires "queues", which is not enabled or not licensed');
  });

  it('names the plugins of a cycle', () => {
    expect(() => orderByDependencies([n('a', 'b'), n('b', 'c'), n('c', 'a'), n('d')])).toThrow('plugin dependency cycle: a -> b -> c -> a');
  });
});
