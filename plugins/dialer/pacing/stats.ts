import { Histogram, Moments, type Dist } from './dist.ts';
import type { PacingState } from './controller.ts';

/**
 * Priors for a campaign that has measured nothing yet: deliberately generic (not the simulator's
 * truth), worth 20 observations each, so the first calls' noise does not steer the dialler.
 */
export const defaultPriors: Record<'liveRing' | 'otherRing' | 'talk' | 'wrap', Dist> = {
  liveRing: { mean: 10, sd: 5 },
  otherRing: { mean: 20, sd: 10 },
  talk: { mean: 120, sd: 100 },
  wrap: { mean: 15, sd: 10 },
};

/** What the campaign has measured today: the controller's inputs other than the live picture. */
export class PacingStats {
  readonly liveRing = new Histogram(defaultPriors.liveRing);
  readonly otherRing = new Histogram(defaultPriors.otherRing);
  readonly talk = new Moments(defaultPriors.talk);
  readonly wrap = new Moments(defaultPriors.wrap);
  attempts = 0;
  live = 0;
  liveAnswered = 0;
  abandoned = 0;

  /** A call answered by a person `ring` seconds after it was placed. */
  liveAnswer(ring: number): void {
    this.attempts++;
    this.live++;
    this.liveAnswered++;
    this.liveRing.add(ring);
  }

  /** A call that ended without a person (busy, no answer, machine, congestion) after `secs`. */
  notLive(secs: number): void {
    this.attempts++;
    this.otherRing.add(secs);
  }

  abandon(): void { this.abandoned++; }

  /** The fitted distributions; `agents` (the live picture) corrects talk and wrap-up for calls not ended yet. */
  dists(agents: PacingState['agents'] = []): PacingState['dists'] {
    let talking = 0;
    let wrapping = 0;
    for (const a of agents) {
      if (a.state === 'talk') talking += a.elapsed;
      else if (a.state === 'wrap') wrapping += a.elapsed;
    }
    return { liveRing: this.liveRing.empirical, otherRing: this.otherRing.empirical, talk: this.talk.withOngoing(talking), wrap: this.wrap.withOngoing(wrapping) };
  }
}
