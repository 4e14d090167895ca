// The zip reader external libraries are unpacked with: stored and deflated entries read back as
// written (by Python's zipfile), names that would leave the library folder refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { isZip, readZip } from '../../../server/src/node/instance/zipArchive';

function zipOf(entries: Record<string, string>, method: 'ZIP_STORED' | 'ZIP_DEFLATED'): Buffer {
  const script = `import io, json, sys, zipfile
b = io.BytesIO()
with zipfile.ZipFile(b, "w", zipfile.${method}) as z:
    for name, text in json.loads(sys.argv[1]).items(): z.writestr(name, text)
sys.stdout.buffer.write(b.getvalue())`;
  return execFileSync('/usr/bin/python3', ['-c', script, JSON.stringify(entries)]);
}

test('stored and deflated entries come back byte for byte', () => {
  for (const method of ['ZIP_STORED', 'ZIP_DEFLATED'] as const) {
    const text = 'x = 1\n'.repeat(500);
    const zip = zipOf({ 'pkg/__init__.py': text, 'pkg/': '' }, method);
    assert.ok(isZip(zip));
    const read = readZip(zip);
    assert.ok(read.ok);
    assert.deepEqual(read.entries.map((e) => e.name), ['pkg/__init__.py', 'pkg/']);
    assert.equal(read.entries[0]!.data().toString(), text);
  }
});

test('an entry named with .. or an absolute path is refused; bytes that are no zip say so', () => {
  for (const name of ['../evil.py', 'pkg/../../evil.py', '/etc/evil']) {
    const read = readZip(zipOf({ [name]: 'x' }, 'ZIP_DEFLATED'));
    assert.ok(!read.ok, name);
    assert.match(read.message, /outside the library folder/);
  }
  assert.equal(isZip(Buffer.from('not a zip')), false);
  const read = readZip(Buffer.from('PK\u0003\u0004 truncated'));
  assert.ok(!read.ok);
});
