/**
 * What AriService checks before anything reaches ARI (fail closed: a ValidationError naming each
 * bad field, and no request). The syntax rules live in sdk/asterisk-syntax.ts.
 */
import type { AriOriginate } from '../../sdk/core-services.ts';
import {
  ariAppProblem, ariIdProblem, CALLERID_NUMBER, callerIdProblem, channelVariableProblem, dialplanPlaceProblem, dialStringProblem,
  mediaUriProblem, utf8Bytes,
} from '../../sdk/asterisk-syntax.ts';
import { ValidationError, type FieldProblem } from '../../sdk/errors.ts';

export const HANGUP_REASONS = ['normal', 'busy', 'congestion', 'no_answer'] as const;
export const BRIDGE_TYPES = ['mixing', 'holding'] as const;

type Check = (field: string, problem: string | null) => void;

function collect(fn: (check: Check) => void): void {
  const problems: FieldProblem[] = [];
  fn((field, problem) => { if (problem) problems.push({ field, message: problem }); });
  if (problems.length) throw new ValidationError(problems);
}

const str = (v: unknown): string | null => (typeof v === 'string' ? null : 'a string');
const place = (check: Check, prefix: string, to: { context: string; extension: string; priority?: number }) => {
  check(`${prefix}.context`, str(to.context) ?? dialplanPlaceProblem('context', to.context));
  check(`${prefix}.extension`, str(to.extension) ?? dialplanPlaceProblem('extension', to.extension));
  if (to.priority !== undefined) check(`${prefix}.priority`, Number.isInteger(to.priority) && to.priority >= 1 && to.priority <= 99_999 ? null : 'an integer from 1');
};

export function checkOriginate(call: AriOriginate): void {
  collect((check) => {
    check('endpoint', str(call.endpoint) ?? dialStringProblem(call.endpoint));
    if ((call.app === undefined) === (call.dialplan === undefined)) check('app', 'give app (a Stasis application) or dialplan, not both');
    if (call.app !== undefined) check('app', str(call.app) ?? ariAppProblem(call.app));
    if (call.appArgs !== undefined && call.app === undefined) check('appArgs', 'only with app');
    (call.appArgs ?? []).forEach((a, i) => {
      // ARI joins and splits the arguments on commas.
      // eslint-disable-next-line no-control-regex
      check(`appArgs.${i}`, str(a) ?? (/[,\x00-\x1f\x7f]/.test(a) ? 'no comma or control character' : utf8Bytes(a) > 255 ? 'at most 255 bytes' : null));
    });
    if ((call.appArgs?.length ?? 0) > 16) check('appArgs', 'at most 16 arguments');
    if (call.dialplan) place(check, 'dialplan', call.dialplan);
    if (call.callerId !== undefined) {
      check('callerId', str(call.callerId) ?? (CALLERID_NUMBER.test(call.callerId) ? null : callerIdProblem(call.callerId)));
    }
    if (call.timeoutSeconds !== undefined) {
      check('timeoutSeconds', Number.isInteger(call.timeoutSeconds) && call.timeoutSeconds >= 1 && call.timeoutSeconds <= 3600 ? null : 'an integer from 1 to 3600');
    }
    if (call.channelId !== undefined) check('channelId', str(call.channelId) ?? ariIdProblem(call.channelId));
    const vars = Object.entries(call.variables ?? {});
    if (vars.length > 64) check('variables', 'at most 64 variables');
    for (const [k, v] of vars) check(`variables.${k}`, str(v) ?? channelVariableProblem(k, v));
  });
}

export function checkIds(ids: Record<string, string | string[]>): void {
  collect((check) => {
    for (const [field, v] of Object.entries(ids)) {
      if (Array.isArray(v)) {
        if (v.length === 0 || v.length > 32) check(field, '1 to 32 ids');
        v.forEach((x, i) => check(`${field}.${i}`, str(x) ?? ariIdProblem(x)));
      } else check(field, str(v) ?? ariIdProblem(v));
    }
  });
}

export function checkPlay(channelId: string, media: string[], playbackId?: string): void {
  collect((check) => {
    check('channelId', str(channelId) ?? ariIdProblem(channelId));
    if (media.length === 0 || media.length > 16) check('media', '1 to 16 media URIs');
    media.forEach((m, i) => check(`media.${i}`, str(m) ?? mediaUriProblem(m)));
    if (playbackId !== undefined) check('playbackId', str(playbackId) ?? ariIdProblem(playbackId));
  });
}

export function checkContinue(channelId: string, to: { context: string; extension: string; priority?: number }): void {
  collect((check) => {
    check('channelId', str(channelId) ?? ariIdProblem(channelId));
    place(check, 'to', to);
  });
}

export function checkChoice<T extends string>(field: string, v: string, allowed: readonly T[]): asserts v is T {
  collect((check) => check(field, (allowed as readonly string[]).includes(v) ? null : `one of ${allowed.join(', ')}`));
}

export function checkApp(name: string): void {
  collect((check) => check('app', str(name) ?? ariAppProblem(name)));
}
