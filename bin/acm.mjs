#!/usr/bin/env node
// acm is written in TypeScript and run through tsx's loader, so `npm ci` needs no build step.
import { register } from 'tsx/esm/api';
register();
await import('../core/cli/main.ts');
