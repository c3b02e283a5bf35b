// Parses PowerShell files with tree-sitter-powershell and exits 1 when any
// has a syntax error (PowerShell itself cannot be installed on the CI
// machines). Usage: node pwsh-check.mjs FILE...
// Prints, per file, the top-level statement count so callers can check
// that nothing was swallowed (e.g. by an unterminated string).
import { readFileSync } from 'node:fs';
import Parser from 'tree-sitter';
import PowerShell from 'tree-sitter-powershell';

const parser = new Parser();
parser.setLanguage(PowerShell);
let failed = false;
for (const file of process.argv.slice(2)) {
  const src = readFileSync(file, 'utf8');
  const tree = parser.parse((index) => src.slice(index, index + 4096));
  const root = tree.rootNode;
  if (root.hasError) {
    failed = true;
    const bad = [];
    const walk = (n) => {
      if (n.isError || n.isMissing) bad.push(`${n.startPosition.row + 1}:${n.startPosition.column + 1} ${n.type}`);
      for (const c of n.children) walk(c);
    };
    walk(root);
    console.log(`${file}: syntax error at ${bad.slice(0, 5).join(', ')}`);
    continue;
  }
  const list = root.namedChildren.find((c) => c.type === 'statement_list');
  const stmts = list ? list.namedChildren.filter((c) => c.type !== 'comment').length : 0;
  console.log(`${file}: ok ${stmts}`);
}
process.exit(failed ? 1 : 0);
