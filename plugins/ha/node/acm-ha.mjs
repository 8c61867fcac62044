#!/usr/bin/env node
// The HA node agent (keepalived's track_script and notify): `acm-ha check|notify|failover|verify|log`.
// Runs through tsx like bin/acm.mjs, but loads only plugins/ha/node (no database, no kernel).
import { register } from 'tsx/esm/api';
register();
const { pathToFileURL } = await import('node:url');
const { join } = await import('node:path');
process.argv[1] = join(import.meta.dirname, 'main.ts');
await import(pathToFileURL(process.argv[1]).href);
