// @ts-check
// Build steps (snapshot builder only): each npm fragment, module and expression of SnapshotBuilder runs as
// one step; a step that throws is reported to embed/builder.py as one V8SNAP_BUILD_ERROR line on stderr.
/* global TAG */
/* exported embedBuild */

/** @param {V8snapEmbed} e */
function embedBuild(e) {
  const { fs } = e;

  /** @param {any} err */
  function classify(err) {
    if (err && err[TAG] === 'exit') return 'EXIT_CALLED';
    if (err instanceof ReferenceError && /\b(WebAssembly|SharedArrayBuffer)\b/.test(String(err.message))) {
      return 'GLOBAL_MISSING';
    }
    return 'UNKNOWN_ERROR';
  }

  e.buildStep = function buildStep(kind, name, fn) {
    e.building = true;
    const realExit = process.exit;
    process.exit = /** @type {any} */ (function exit(/** @type {any} */ code) {
      const err = new Error(`process.exit(${code === undefined ? '' : code}) called while building the snapshot`);
      /** @type {any} */ (err)[TAG] = 'exit';
      throw err;
    });
    try {
      return fn();
    } catch (err) {
      // An ES module left declared by runDeclared (modules.js): it runs on first use, not an error.
      if (kind === 'module' && e.isDeferral(err) && e.declared.has(name)) return undefined;
      const info = e.errorInfo(err);
      const report = { ...info, kind, module: name, code: classify(err), errorCode: info.code };
      fs.writeSync(2, `\nV8SNAP_BUILD_ERROR ${JSON.stringify(report)}\n`);
      process.exitCode = 1;
      throw err;
    } finally {
      process.exit = realExit;
    }
  };

  e.finishSnapshot = function finishSnapshot(fingerprint) {
    e.bakedFingerprint = fingerprint;
    e.building = false;
    e.v8.startupSnapshot.setDeserializeMainFunction(e.start);
  };
}
