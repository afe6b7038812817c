// `pnpm docs:codes`: writes docs/error-codes.md from core's catalogue and error factory.
import { writeFileSync } from 'node:fs';
import { renderErrorCodesMarkdown } from '../packages/core/src/docs/error-codes-table.js';

const target = new URL('../docs/error-codes.md', import.meta.url);
writeFileSync(target, renderErrorCodesMarkdown());
console.log(`wrote ${target.pathname}`);
