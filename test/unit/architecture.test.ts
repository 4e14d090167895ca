// The layering rules of ARCHITECTURE.md section 4, checked on the import statements themselves
// (the core's "types": [] catches Node globals; this catches packages that ship their own types).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"`;]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (m) => m[1] ?? m[2] ?? m[3]!,
  );
}

test('the core imports nothing but itself: no node:*, vscode*, mssql or DuckDB', () => {
  const offenders: string[] = [];
  let seen = 0;
  for (const file of sources(join(ROOT, 'server', 'src', 'core'))) {
    for (const spec of imports(file)) {
      seen++;
      if (!spec.startsWith('.')) offenders.push(`${relative(ROOT, file)} imports ${spec}`);
    }
  }
  assert.deepEqual(offenders, []);
  assert.ok(seen > 30, `the import scanner found only ${seen} imports in the core`);
});

test('only the lsp layer and the server entry import vscode-languageserver; the client only protocol.ts and the pure core from the server', () => {
  const offenders: string[] = [];
  for (const file of sources(join(ROOT, 'server', 'src'))) {
    const rel = relative(ROOT, file);
    const allowed = rel.startsWith('server/src/lsp/') || rel === 'server/src/main.ts' || rel === 'server/src/protocol.ts';
    for (const spec of imports(file)) {
      if (spec.startsWith('vscode-languageserver') && !allowed) offenders.push(`${rel} imports ${spec}`);
      if (spec === 'vscode') offenders.push(`${rel} imports vscode`);
    }
  }
  for (const file of sources(join(ROOT, 'client', 'src'))) {
    for (const spec of imports(file)) {
      if (spec.includes('/server/src/') && !spec.endsWith('/server/src/protocol') && !spec.includes('/server/src/core/')) offenders.push(`${relative(ROOT, file)} imports ${spec}`);
    }
  }
  assert.deepEqual(offenders, []);
});

test('the CLI uses the core and the Node layer, never the language server', () => {
  const offenders: string[] = [];
  for (const file of [join(ROOT, 'server', 'src', 'cli.ts'), ...sources(join(ROOT, 'server', 'src', 'cli'))]) {
    for (const spec of imports(file)) if (spec.includes('/lsp/') || spec.startsWith('vscode')) offenders.push(`${relative(ROOT, file)} imports ${spec}`);
  }
  assert.deepEqual(offenders, []);
});
