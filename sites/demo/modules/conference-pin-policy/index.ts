import { definePlugin } from '../../../../sdk/index.ts';
import { pinPolicies, type PinCheck } from '../../../../plugins/conference/api/index.ts';
import { manifest } from './manifest.ts';

/** The rule itself, exported so it can be tested without a kernel. */
export function checkPin({ pin, room }: PinCheck, minDigits: number): string | null {
  if (pin.length < minDigits) return `must have at least ${minDigits} digits`;
  if (/^(\d)\1*$/.test(pin)) return 'must not repeat one digit';
  if (pin === room.number) return 'must not be the room number';
  return null;
}

/** A site module: registers one PIN policy into the conference plugin's extension point. */
export default definePlugin({
  manifest,
  setup(ctx) {
    ctx.extend(pinPolicies, 'demo-pin-policy', {
      description: `at least ${ctx.settings.minDigits} digits, not one digit repeated, not the room number`,
      check: (c) => checkPin(c, ctx.settings.minDigits),
    });
  },
});
