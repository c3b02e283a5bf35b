// Parses a mermaid file with the real mermaid parser (jsdom supplies the DOM it expects).
// Usage: node mermaid-check.mjs FILE — exit 1 with the parse error.
import { JSDOM } from 'jsdom';
import fs from 'node:fs';
const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window; globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');
const text = fs.readFileSync(process.argv[2], 'utf8');
try { const r = await mermaid.parse(text); console.log('ok', r.diagramType); }
catch (e) { console.error('parse error:', e.message); process.exit(1); }
