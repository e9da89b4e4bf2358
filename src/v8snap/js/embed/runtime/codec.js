// @ts-check
// Values across the protocol: JSON, with bytes, BigInt and undefined as tagged objects {"$v8snap": kind}.
/* global TAG */
/* exported embedCodec */

/** @param {V8snapEmbed} e */
function embedCodec(e) {
  const { Buffer, util } = e;

  /** @this {any} @param {string} key @param {any} value */
  e.replacer = function replacer(key, value) {
    const raw = this[key];
    if (raw instanceof Uint8Array) {
      return { [TAG]: 'bytes', b64: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64') };
    }
    if (raw instanceof ArrayBuffer) {
      return { [TAG]: 'bytes', b64: Buffer.from(raw).toString('base64') };
    }
    if (typeof value === 'bigint') return { [TAG]: 'bigint', v: value.toString() };
    if (value === undefined && key === '') return null;
    return value;
  };

  e.reviver = function reviver(key, value) {
    if (value !== null && typeof value === 'object' && typeof value[TAG] === 'string') {
      if (value[TAG] === 'bytes') {
        const b = Buffer.from(value.b64, 'base64');
        return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
      }
      if (value[TAG] === 'bigint') return BigInt(value.v);
      if (value[TAG] === 'undefined') return undefined;
    }
    return value;
  };

  e.errorInfo = function errorInfo(err) {
    if (err !== null && typeof err === 'object') {
      return {
        name: String(err.name || (err.constructor && err.constructor.name) || 'Error'),
        message: String(err.message === undefined ? '' : err.message),
        stack: String(err.stack || ''),
        code: err.code === undefined ? null : String(err.code),
      };
    }
    return { name: 'Error', message: 'thrown value: ' + util.inspect(err), stack: '', code: null };
  };
}
