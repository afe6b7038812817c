// The `portone-retry-reconcile` executable. Kept apart from cli.ts so importing the CLI has no side effects.
import { main } from './cli.js';

main(process.argv.slice(2), process.env, (text, stream) => {
  (stream === 'out' ? process.stdout : process.stderr).write(text);
}).then((status) => {
  process.exitCode = status;
});
