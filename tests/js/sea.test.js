// Unit tests of src/v8snap/js/sea-fs.js and sea-boot.js (the single executable's start-up), run with
// node's test runner. `node:sea` is stubbed: outside a real SEA, isSea() is false.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

const js = (name) => fs.readFileSync(path.join(__dirname, '../../src/v8snap/js', name), 'utf8');

function load(seaConfig, stubs) {
  const fake = (id) => (id === 'node:sea' ? stubs.sea : require(id));
  const fn = vm.runInThisContext(
    `(function (require, process, __v8snap_seaConfig) { ${js('sea-fs.js')}\n${js('sea-boot.js')}\n` +
      'return { seaFs: __v8snap_seaFs, sea: __v8snap_sea }; })',
  );
  return fn(fake, stubs.process, () => seaConfig);
}

const here = { node: process.version, v8: process.versions.v8, arch: process.arch, platform: process.platform };

test('outside a single executable nothing happens', () => {
  const { sea } = load({ fingerprint: here, assets: {} }, { sea: { isSea: () => false }, process });
  assert.strictEqual(sea({ config: { root: '/app' } }), false);
});

test('a machine the snapshot was not built for is refused with one line and exit 1', () => {
  const lines = [];
  const fakeProcess = {
    ...here,
    version: process.version,
    versions: process.versions,
    stderr: { write: (s) => lines.push(s) },
    exit: (code) => {
      throw new Error(`exit ${code}`);
    },
  };
  const other = { ...here, arch: here.arch === 'arm64' ? 'x64' : 'arm64' };
  const { sea } = load({ fingerprint: other, assets: {} }, { sea: { isSea: () => true }, process: fakeProcess });
  assert.throws(() => sea({ config: { root: '/app' } }), /exit 1/);
  assert.strictEqual(lines.length, 1);
  assert.match(lines[0], new RegExp(`^v8snap: this executable was built for node .* on linux-${other.arch}, not .*${here.arch}: rebuild`));
});

test('fs answers asset paths under the root, read-only, and leaves other paths to the disk', (t) => {
  const assets = { './data/a.txt': Buffer.from('hello\n'), './node_modules/m/index.mjs': Buffer.from('export {}') };
  const saved = {};
  for (const k of ['readFileSync', 'existsSync', 'statSync', 'lstatSync', 'accessSync', 'readdirSync', 'realpathSync', 'readFile']) {
    saved[k] = fs[k];
  }
  const savedNative = fs.realpathSync.native;
  const savedPromises = fs.promises.readFile;
  t.after(() => {
    Object.assign(fs, saved);
    fs.realpathSync.native = savedNative;
    fs.promises.readFile = savedPromises;
  });
  const { seaFs } = load({}, { sea: {}, process });
  const root = '/nonexistent-v8snap-app';
  const vfs = seaFs(root, Object.keys(assets), (k) => assets[k].buffer.slice(assets[k].byteOffset, assets[k].byteOffset + assets[k].length));
  assert.strictEqual(fs.readFileSync(`${root}/data/a.txt`, 'utf8'), 'hello\n');
  assert.ok(fs.existsSync(`${root}/data`) && fs.statSync(`${root}/data`).isDirectory());
  assert.strictEqual(fs.statSync(`${root}/data/a.txt`).size, 6);
  assert.deepStrictEqual(fs.readdirSync(root), ['data', 'node_modules']);
  assert.throws(() => fs.accessSync(`${root}/data/a.txt`, fs.constants.W_OK), { code: 'EROFS' });
  assert.strictEqual(fs.existsSync(`${root}/data/b.txt`), false);
  assert.throws(() => fs.readFileSync(`${root}/data/b.txt`), { code: 'ENOENT' });
  assert.strictEqual(fs.readFileSync(__filename, 'utf8'), saved.readFileSync(__filename, 'utf8'));
  assert.strictEqual(vfs.keyOf(`${root}/../x`), null);
  return fs.promises.readFile(`${root}/data/a.txt`, 'utf8').then((s) => assert.strictEqual(s, 'hello\n'));
});
