/**
 * The few distributions the pacing model needs: the standard normal, a lognormal described by its
 * mean and standard deviation (ring, talk and wrap-up times are positive and right-skewed), and an
 * accumulator that fits one from measurements, starting from a prior so the first minutes of a
 * campaign are not paced on three calls.
 */

/** Mean and standard deviation in seconds; sd 0 means the value is always `mean`. */
export interface Dist { mean: number; sd: number }

const INV_SQRT2 = Math.SQRT1_2;
const INV_SQRT2PI = 1 / Math.sqrt(2 * Math.PI);

/** erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7): plenty for a pacing estimate, and cheap. */
function erf(x: number): number {
  const s = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return s * y;
}

export const normCdf = (z: number): number => 0.5 * (1 + erf(z * INV_SQRT2));
export const normPdf = (z: number): number => INV_SQRT2PI * Math.exp(-0.5 * z * z);

/** E[max(X, 0)] for X ~ Normal(mu, sigma²). */
export function expectedPositive(mu: number, sigma: number): number {
  if (sigma <= 1e-12) return Math.max(mu, 0);
  const z = mu / sigma;
  return mu * normCdf(z) + sigma * normPdf(z);
}

/** A lognormal's survival function P(X > x), precomputed for repeated use in one tick. */
export class LogNormal {
  private readonly mu: number;
  private readonly sigma: number;
  constructor(readonly d: Dist) {
    const m = Math.max(d.mean, 1e-6);
    const cv2 = (d.sd * d.sd) / (m * m);
    this.sigma = Math.sqrt(Math.log1p(cv2));
    this.mu = Math.log(m) - (this.sigma * this.sigma) / 2;
  }

  survival(x: number): number {
    if (x <= 0) return 1;
    if (this.sigma < 1e-9) return x < this.d.mean ? 1 : 0;
    return 1 - normCdf((Math.log(x) - this.mu) / this.sigma);
  }

  /** P(X ≤ x + h | X > x): the chance something already `x` seconds along ends within `h` more. */
  endsWithin(x: number, h: number): number {
    if (h <= 0) return 0;
    const s = this.survival(x);
    // Far in the tail the ratio is noise; count nothing rather than guess (the safe side: less supply).
    if (s < 1e-9) return 0;
    return Math.min(1, Math.max(0, 1 - this.survival(x + h) / s));
  }
}

/** Running mean and sd of observations, blended with a prior worth `weight` observations. */
export class Moments {
  private n = 0;
  private sum = 0;
  private sumSq = 0;
  constructor(private readonly prior: Dist, private readonly weight = 20) {}

  add(x: number): void {
    this.n++;
    this.sum += x;
    this.sumSq += x * x;
  }

  get count(): number { return this.n; }

  get dist(): Dist { return this.withOngoing(0); }

  /**
   * The fit, counting `ongoingSum` seconds already spent by things not finished yet. Early in a
   * campaign only the short calls have ended, so finished calls alone say talk is short and the
   * dialler over-dials; adding the time on test of the unfinished ones (the censored-exponential
   * estimate, total time / ended) corrects the mean upwards until enough calls have ended.
   */
  withOngoing(ongoingSum: number): Dist {
    const w = this.weight;
    const p = this.prior;
    if (this.n === 0) return p;
    const naive = this.sum / this.n;
    const variance = Math.max(0, this.sumSq / this.n - naive * naive);
    const measured = Math.max(naive, (this.sum + ongoingSum) / this.n);
    const sd = naive > 0 ? (Math.sqrt(variance) / naive) * measured : 0;
    const total = w + this.n;
    const mean = (w * p.mean + this.n * measured) / total;
    const second = (w * (p.sd * p.sd + p.mean * p.mean) + this.n * (sd * sd + measured * measured)) / total;
    return { mean, sd: Math.sqrt(Math.max(0, second - mean * mean)) };
  }
}

/** An empirical distribution on whole seconds: its mean, and survival[k] = P(X > k); 0 past the end. */
export interface Empirical { mean: number; survival: readonly number[] }

/** P(X > x) from an empirical table, linear between whole seconds. */
export function tableSurvival(e: Empirical, x: number): number {
  if (x <= 0) return 1;
  const k = Math.floor(x);
  const s = e.survival;
  if (k >= s.length) return 0;
  const a = s[k]!;
  const b = k + 1 < s.length ? s[k + 1]! : 0;
  return a + (b - a) * (x - k);
}

/**
 * Ring times as a histogram of 1 s bins, seeded with a lognormal prior worth `weight` calls. Ring
 * outcomes are a mixture no single curve fits (busy after 3 s, machines after ~15 s, no-answers at
 * the campaign's timeout): a lognormal would say a call that has rung 20 s is as good as gone,
 * when most such calls are no-answers still ringing, and over-count the live answers to come.
 */
export class Histogram {
  private readonly counts: Float64Array;
  private total: number;
  private sum = 0;
  private cached: Empirical | undefined;

  constructor(prior: Dist, weight = 20, readonly maxSeconds = 180) {
    this.counts = new Float64Array(maxSeconds + 1);
    const ln = new LogNormal(prior);
    for (let k = 0; k <= maxSeconds; k++) {
      this.counts[k] = weight * (ln.survival(k) - ln.survival(k + 1));
      this.sum += this.counts[k]! * (k + 0.5);
    }
    this.total = this.counts.reduce((a, b) => a + b, 0);
  }

  add(x: number): void {
    const k = Math.min(this.maxSeconds, Math.max(0, Math.floor(x)));
    this.counts[k]! += 1;
    this.total += 1;
    this.sum += x;
    this.cached = undefined;
  }

  get empirical(): Empirical {
    if (this.cached) return this.cached;
    const survival: number[] = new Array(this.counts.length);
    let above = this.total;
    // Bin k holds [k, k+1): P(X > k) is the mass of bins ≥ k; tableSurvival interpolates inside.
    for (let k = 0; k < this.counts.length; k++) {
      survival[k] = above / this.total;
      above -= this.counts[k]!;
    }
    this.cached = { mean: this.sum / this.total, survival };
    return this.cached;
  }
}
