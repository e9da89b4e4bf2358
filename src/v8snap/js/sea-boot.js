// @ts-check
// v8snap single executable: start-up inside the SEA (`v8snap sea`, issue 14). Called once by loader/main.js
// runMain before the app starts; returns false outside a single executable (nothing changes then).
//
// - Refuses, with one line and exit 1, a machine the snapshot was not built for (the fingerprint: node
//   version, V8, arch, platform) instead of letting node crash on it.
// - Serves the app's files that are not in the blob (ES modules, JSON, native addons, data files) from the
//   SEA assets: `fs` reads through sea-fs.js, module loading through node's synchronous module hooks
//   (`module.registerHooks`): a request the resolver map knows resolves to its asset, whose source the load
//   hook returns. `__filename`, `require.resolve`, `require.cache` and stack traces keep the app's paths.
// - Native addons are written once to a per-user 0700 cache directory keyed by their sha256, checked
//   before use, and loaded from there (as pkg, nexe and caxa do).

/* global __v8snap_seaConfig, __v8snap_seaFs */
/* exported __v8snap_sea */

/** @param {any} state the loader's state (V8snapState: config.root, config.map, dirKeyOf, filenameOf) */
function __v8snap_sea(state) {
  'use strict';
  /** @type {typeof import('node:sea')} */
  let sea;
  try {
    sea = require('node:sea');
  } catch {
    return false;
  }
  if (!sea.isSea()) return false;
  // @ts-ignore defined by the SEA's main script (v8snap/sea.py)
  const cfg = __v8snap_seaConfig();
  const fp = cfg.fingerprint;
  /** @type {Record<string, string>} */
  const here = { node: process.version, v8: process.versions.v8, arch: process.arch, platform: process.platform };
  const bad = Object.keys(here).filter((k) => fp[k] !== here[k]);
  if (bad.length) {
    const want = `node ${fp.node} (V8 ${fp.v8}) on ${fp.platform}-${fp.arch}`;
    const got = `node ${here.node} (V8 ${here.v8}) on ${here.platform}-${here.arch}`;
    process.stderr.write(`v8snap: this executable was built for ${want}, not ${got}: rebuild it there with v8snap sea\n`);
    process.exit(1);
  }
  const path = require('path');
  const { pathToFileURL, fileURLToPath } = require('url');
  const root = state.config.root;
  const assets = cfg.assets; // key -> {kind}
  // @ts-ignore defined in sea-fs.js
  const vfs = __v8snap_seaFs(root, Object.keys(assets), (k) => sea.getAsset(k));

  const addonPaths = Object.create(null);
  /** @param {string} key */
  function addonFile(key) {
    if (addonPaths[key]) return addonPaths[key];
    const fs = require('fs');
    const os = require('os');
    const crypto = require('crypto');
    const data = Buffer.from(sea.getAsset(key));
    const sha = crypto.createHash('sha256').update(data).digest('hex');
    const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
    const dir = path.join(base, 'v8snap', 'sea-addons', sha);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = fs.lstatSync(dir);
    if (!st.isDirectory() || st.uid !== process.getuid?.() || (st.mode & 0o077) !== 0) {
      throw new Error(`v8snap: refusing the addon cache ${dir}: not a private directory of this user`);
    }
    const file = path.join(dir, path.basename(key));
    const ok = (() => {
      try {
        return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex') === sha;
      } catch {
        return false;
      }
    })();
    if (!ok) {
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, data, { mode: 0o500, flag: 'wx' });
      fs.renameSync(tmp, file);
    }
    addonPaths[key] = file;
    return file;
  }

  /** @param {string} file */
  function dirKeyOfFile(file) {
    const k = vfs.keyOf(file);
    return k === null ? null : state.dirKeyOf(k);
  }
  const kindOf = (/** @type {string} */ key) => assets[key].kind;
  require('module').registerHooks({
    resolve(specifier, context, nextResolve) {
      let key = null;
      if (specifier.startsWith('file:') || path.isAbsolute(specifier)) {
        key = vfs.keyOf(specifier.startsWith('file:') ? fileURLToPath(specifier) : specifier);
      } else if (context.parentURL && context.parentURL.startsWith('file:')) {
        const dir = dirKeyOfFile(fileURLToPath(context.parentURL));
        if (dir !== null) key = state.config.map[dir + '\u0000' + specifier] || null;
      }
      if (key === null || !vfs.isFile(key)) return nextResolve(specifier, context);
      if (kindOf(key) === 'native') return { url: pathToFileURL(addonFile(key)).href, shortCircuit: true };
      const format = kindOf(key) === 'esm' ? 'module' : kindOf(key) === 'json' ? 'json' : 'commonjs';
      return { url: pathToFileURL(state.filenameOf(key)).href, format, shortCircuit: true };
    },
    load(url, context, nextLoad) {
      const key = url.startsWith('file:') ? vfs.keyOf(fileURLToPath(url)) : null;
      if (key === null || !vfs.isFile(key) || kindOf(key) === 'native') return nextLoad(url, context);
      const format = kindOf(key) === 'esm' ? 'module' : kindOf(key) === 'json' ? 'json' : 'commonjs';
      return { format, source: vfs.read(key, 'utf8'), shortCircuit: true };
    },
  });
  return true;
}
