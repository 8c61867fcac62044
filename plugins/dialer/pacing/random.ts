/** Seeded draws for the simulated campaign (the PRNG is the SDK's mulberry32). */
export { mulberry32 } from '../../../sdk/index.ts';

/** A well-mixed 32-bit seed for item `i` of stream `seed`, so each lead has its own stream. */
export function subSeed(seed: number, i: number): number {
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(i + 1, 0x85ebca77)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A standard normal draw (Box–Muller). */
export function normal(rnd: () => number): number {
  const u = Math.max(rnd(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd());
}

/** A lognormal draw with the given mean and standard deviation (sd 0: always the mean). */
export function lognormal(rnd: () => number, mean: number, sd: number): number {
  if (sd <= 0) return mean;
  const s2 = Math.log1p((sd * sd) / (mean * mean));
  return Math.exp(Math.log(mean) - s2 / 2 + Math.sqrt(s2) * normal(rnd));
}
