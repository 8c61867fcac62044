/**
 * Uploads to what Asterisk's format_wav plays: 8 kHz, mono, 16-bit signed PCM WAV, made by sox.
 * sox runs with an argument array (no shell), reads a temp file of a fixed name (the user's file
 * name never reaches a command line), under a timeout, with no SOX_OPTS from the environment.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '../../sdk/index.ts';

export const RATE = 8000;
/** 16-bit mono: two bytes a sample. */
const BYTES_PER_SECOND = RATE * 2;

export interface Converted { wav: Buffer; durationMs: number }
export interface ConvertOptions { maxSeconds: number; timeoutMs: number }

/** Warnings of these sox parts are about the conversion (clipping…), not a damaged input. */
const HARMLESS_WARNINGS = new Set(['sox', 'rate', 'dither', 'channels', 'remix', 'trim', 'gain']);

const refuse = (message: string): never => { throw new ValidationError([{ field: 'audio', message }]); };

/** The PCM format and data size of a WAV file, or why it is not one format_wav plays at 8 kHz. */
export function wavInfo(wav: Buffer): { format: number; channels: number; rate: number; bits: number; dataBytes: number } | string {
  if (wav.length < 12 || wav.toString('latin1', 0, 4) !== 'RIFF' || wav.toString('latin1', 8, 12) !== 'WAVE') return 'no RIFF/WAVE header';
  let fmt: { format: number; channels: number; rate: number; bits: number } | undefined;
  for (let at = 12; at + 8 <= wav.length;) {
    const id = wav.toString('latin1', at, at + 4);
    const size = wav.readUInt32LE(at + 4);
    if (id === 'fmt ' && size >= 16 && at + 24 <= wav.length) {
      fmt = { format: wav.readUInt16LE(at + 8), channels: wav.readUInt16LE(at + 10), rate: wav.readUInt32LE(at + 12), bits: wav.readUInt16LE(at + 22) };
    }
    if (id === 'data') {
      if (!fmt) return 'data before the fmt chunk';
      if (at + 8 + size > wav.length) return 'data chunk longer than the file';
      return { ...fmt, dataBytes: size };
    }
    at += 8 + size + (size % 2);
  }
  return 'no data chunk';
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<{ code: number | null; stderr: string; timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' } });
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => { if (stderr.length < 4000) stderr += d; });
    child.on('error', (err) => { clearTimeout(timer); reject(err); });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stderr, timedOut }); });
  });
}

/** sox's own words, without our temp paths, on one line. */
function soxSays(stderr: string, dir: string): string {
  const lines = stderr.split('\n').map((l) => l.split(dir).join('').replace(/^sox (FAIL|WARN) /, '').trim()).filter(Boolean);
  return lines.join('; ').slice(0, 300);
}

/**
 * Converts one upload. Throws ValidationError on `audio` for anything sox cannot read as audio,
 * a damaged file (sox warns of a premature end), no samples, or longer than `maxSeconds`.
 */
export async function toAsteriskWav(input: Buffer, opts: ConvertOptions): Promise<Converted> {
  if (!input.length) refuse('the upload is empty');
  const dir = await mkdtemp(join(tmpdir(), 'acm-recording-'));
  try {
    // Fixed names under our own directory; absolute, so sox never takes one for an effect name.
    const src = join(dir, 'upload');
    const out = join(dir, 'converted.wav');
    await writeFile(src, input, { mode: 0o600 });
    // --magic: the type comes from the content (libmagic), never from a name the user chose.
    // trim stops at one second past the limit, so an hours-long upload is not converted whole.
    const args = ['--magic', '--no-show-progress', '-V2', src, '-t', 'wav', '-r', String(RATE), '-c', '1', '-b', '16', '-e', 'signed-integer', out,
      'trim', '0', String(opts.maxSeconds + 1)];
    const r = await run('sox', args, opts.timeoutMs).catch((err: NodeJS.ErrnoException) => {
      throw new Error(err.code === 'ENOENT' ? 'sox is not installed (Debian: apt-get install sox libsox-fmt-all)' : `sox: ${err.message}`);
    });
    if (r.timedOut) refuse(`converting took longer than ${Math.round(opts.timeoutMs / 1000)} s`);
    if (r.code !== 0) refuse(`not an audio file sox can read (${soxSays(r.stderr, dir) || `exit code ${r.code}`})`);
    const damaged = r.stderr.split('\n').filter((l) => /^sox WARN /.test(l) && !HARMLESS_WARNINGS.has(/^sox WARN ([^:]+):/.exec(l)?.[1] ?? ''));
    if (damaged.length) refuse(`not an audio file sox can read (${soxSays(damaged.join('\n'), dir)})`);
    const wav = await readFile(out);
    const info = wavInfo(wav);
    if (typeof info === 'string') throw new Error(`sox wrote no WAV acm can read: ${info}`);
    if (info.format !== 1 || info.channels !== 1 || info.rate !== RATE || info.bits !== 16) throw new Error(`sox wrote ${JSON.stringify(info)}, not 8 kHz mono 16-bit PCM`);
    if (!info.dataBytes) refuse('not an audio file sox can read (it holds no samples)');
    const durationMs = Math.round((info.dataBytes / BYTES_PER_SECOND) * 1000);
    if (durationMs > opts.maxSeconds * 1000) refuse(`longer than ${opts.maxSeconds} s`);
    return { wav, durationMs };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
