// @ts-check
// The JavaScript half of v8snap's embedding API (v8snap.embed), docs/embedding.md.
//
// The files of this directory are one part (js/README.md), evaluated in two ways that must both work:
//  * inlined at the top of a snapshot script built by SnapshotBuilder (embed/builder.py wraps the part in
//    `(function (module) { 'use strict'; ... })({exports: {}})`), where `require` can load built-ins only
//    and the protocol server starts from v8.startupSnapshot.setDeserializeMainFunction;
//  * compiled with the same wrapper by server.js when a Runtime starts without a snapshot.
// It exports one function, createEmbed(nodeRequire) -> api, and has no side effect until called.
//
// Protocol (the Python side is embed/runtime.py): every frame is a 4-byte big-endian length + UTF-8 JSON.
//   fdIn   Python -> JS requests            {id, op, ...}
//   fdOut  JS -> Python replies and events   {id, ok, value | error} / {op: "console" | "callback" | "hello"}
//   fdCb   Python -> JS callback replies    {ok, value | error}; read with a *blocking* readSync, which is
//          what makes a Python callback a plain synchronous call from JavaScript.
// Values cross as JSON; bytes, BigInt and undefined are tagged objects {"$v8snap": kind, ...}.
// Embedded ES modules are registry definitions (embed/esm.py) calling the global __v8snap_esm: the npm
// fragment's registry when the snapshot has one (prelude/esm-registry.js __v8snap_esmAttach; npm ES modules
// and embedded ones then share namespaces), else the copy joined before this part (embed/builder.py).
/* global embedCodec, embedChannel, embedModules, embedBuild, embedProtocol, __v8snap_esm */

/**
 * @param {NodeJS.Require} nodeRequire a require that loads built-ins
 * @returns {{defineModule: V8snapEmbed['defineModule'], declared: V8snapEmbed['declared'],
 *   runDeclared: V8snapEmbed['runDeclared'], buildStep: V8snapEmbed['buildStep'],
 *   finishSnapshot: V8snapEmbed['finishSnapshot'], start: V8snapEmbed['start'], modules: V8snapEmbed['modules']}}
 */
function createEmbed(nodeRequire) {
  const e = /** @type {V8snapEmbed} */ ({
    fs: nodeRequire('fs'),
    util: nodeRequire('util'),
    v8: nodeRequire('v8'),
    net: nodeRequire('net'),
    pathPosix: nodeRequire('path').posix,
    Buffer: nodeRequire('buffer').Buffer,
    modules: new Map(),
    entrypoint: null,
    bakedFingerprint: null,
    building: false,
    allowNet: true,
    registerHooks: nodeRequire('module').registerHooks,
    out: -1,
    cbIn: -1,
  });
  if (!('__v8snap_esm' in globalThis)) {
    Object.defineProperty(globalThis, '__v8snap_esm', { value: __v8snap_esm, configurable: true, writable: true });
  }
  embedCodec(e);
  embedChannel(e);
  embedModules(e);
  embedBuild(e);
  embedProtocol(e);
  return {
    defineModule: e.defineModule, declared: e.declared, runDeclared: e.runDeclared, buildStep: e.buildStep, finishSnapshot: e.finishSnapshot, start: e.start,
    modules: e.modules,
  };
}

module.exports = createEmbed;
