import { writeFileSync } from 'node:fs';
import { renderErrorCodesMarkdown } from './error-codes.js';

const target = new URL('../docs/error-codes.md', import.meta.url);
writeFileSync(target, renderErrorCodesMarkdown());
console.log(`wrote ${target.pathname}`);
