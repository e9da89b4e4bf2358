// @ts-check
// What the files of the embed runtime share: the tag of special values, the network built-ins and globals
// of the sandbox, and the runtime's state (V8snapEmbed).
/* exported TAG, NET_BUILTINS, NET_GLOBALS */

const TAG = '$v8snap';

// Built-ins that open network connections: hidden from user code unless allowNet. Node 24's permission
// model has no network switch, so this is a JS-level filter (documented as such in docs/embedding.md).
const NET_BUILTINS = new Set([
  'net', 'http', 'https', 'http2', 'tls', 'dgram', 'dns', 'dns/promises', '_http_agent', '_http_client',
  '_http_common', '_http_incoming', '_http_outgoing', '_http_server', '_tls_common', '_tls_wrap', 'inspector',
  'inspector/promises',
]);
const NET_GLOBALS = ['fetch', 'WebSocket', 'EventSource', 'Request', 'Response', 'Headers', 'FormData'];

/**
 * The state of one embedded runtime, shared by the files of this part.
 * @typedef {object} V8snapEmbed
 * @property {typeof import('fs')} fs
 * @property {typeof import('util')} util
 * @property {typeof import('v8')} v8
 * @property {typeof import('net')} net
 * @property {typeof import('path').posix} pathPosix
 * @property {typeof import('buffer').Buffer} Buffer
 * @property {Map<string, {exports: any, id: string, filename: string, loaded: boolean}>} modules name -> module
 * @property {Function | null} entrypoint registered with v8snap.registerEntrypoint, or a default export
 * @property {any} bakedFingerprint the builder's fingerprint (embed/builder.py), null without a snapshot
 * @property {boolean} building true while a build step runs
 * @property {boolean} allowNet
 * @property {Function | undefined} registerHooks node's module.registerHooks, taken when the runtime is made
 *   (at build time, before the snapshot's loader wraps it to notice an app's hooks: js/loader/user-hooks.js)
 * @property {number} out fd of replies and events (-1 while building)
 * @property {number} cbIn fd of callback replies (-1 while building)
 * @property {(key: string, value: any) => any} replacer JSON.stringify replacer (tagged values)
 * @property {(key: string, value: any) => any} reviver JSON.parse reviver (tagged values)
 * @property {(err: any) => {name: string, message: string, stack: string, code: string | null}} errorInfo
 * @property {(msg: object) => void} send one frame to fdOut
 * @property {(fd: number, n: number) => Buffer} readExact
 * @property {(name: string, args: any[]) => any} callPython blocking call of a Python function
 * @property {(fromName: string) => (request: string) => any} makeRequire
 * @property {(name: string, source: string) => any} defineModule
 * @property {Map<string, {source: string, esm: boolean}>} declared modules given but not run yet
 * @property {(name: string) => any} runDeclared run a declared module (once), return its exports
 * @property {(err: any) => boolean} isDeferral an npm package it needs initializes at run time only
 * @property {(name: string) => any} exportsOf a module's exports (a declared one is run first)
 * @property {(kind: string, name: string, fn: () => any) => any} buildStep
 * @property {(fingerprint: any) => void} finishSnapshot
 * @property {() => void} start the protocol server
 */
