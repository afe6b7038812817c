#!/usr/bin/env node
// The `portone-retry-reconcile` executable: a committed entry, so installs can link it before the
// build; the CLI itself is built into dist/bin.js.
import '../dist/bin.js';
