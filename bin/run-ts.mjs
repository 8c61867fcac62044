#!/usr/bin/env node
// Runs one TypeScript entry point (benchmarks, scripts) through tsx's loader.
import { register } from 'tsx/esm/api';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
register();
const [, , entry, ...rest] = process.argv;
if (!entry) { console.error('usage: run-ts.mjs FILE [ARGS]'); process.exit(2); }
process.argv = [process.argv[0], entry, ...rest];
await import(pathToFileURL(resolve(entry)).href);
