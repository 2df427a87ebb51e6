#!/usr/bin/env node
// The trace checker's command (src/trace/cli.ts), run through tsx so the
// CLI is the very TypeScript the app runs.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/trace/cli.ts');
process.exitCode = await main(process.argv.slice(2));
