#!/usr/bin/env node
// The `portone-retry` executable. Kept apart from cli.ts so importing the CLI has no side effects.
import { main } from './cli.js';

process.exitCode = main(process.argv.slice(2), (text, stream) => {
  (stream === 'out' ? process.stdout : process.stderr).write(text);
});
