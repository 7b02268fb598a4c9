// Parses each Mermaid file given as an argument with the real mermaid parser
// (in a jsdom window, as mermaid expects a DOM) and exits 1 if any fails.
import { JSDOM } from 'jsdom';
import { readFileSync } from 'fs';

const dom = new JSDOM('<!DOCTYPE html><body></body>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
globalThis.DOMParser = dom.window.DOMParser;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false });

let failed = 0;
for (const file of process.argv.slice(2)) {
  try {
    const r = await mermaid.parse(readFileSync(file, 'utf8'));
    console.log(`ok ${file} ${r.diagramType}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${file}: ${e.message || e}`);
  }
}
process.exit(failed ? 1 : 0);
