// @ts-check
'use strict';
// Put esbuild's output back on the original lines (and, where it can, columns), so that stack frames of a
// converted ES module name the line node would name. Used by js/esm/convert.js.
//
// esbuild is run with minifyWhitespace: its output is then a few long lines whose tokens carry source-map
// segments (generated column -> original line and column). Walking the segments in order, a newline is
// inserted before a token whose original line is below the current line, and spaces before a token whose
// original column is to the right. Only whitespace is inserted, only between tokens, and never where a
// line break changes the meaning (after return/throw/break/continue/yield/async/await, before `=>`,
// `++`, `--`, or `?.`/`.` chains are unaffected). Text esbuild adds that maps to nothing stays where it is.
// The prologue esbuild emits (helpers, export list, hoisted imports) is one line: it shares line 1 with
// the module's first line, so the module's own code starts on its own line numbers.

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** @type {Record<string, number>} */
const DIGIT = {};
for (let i = 0; i < B64.length; i++) DIGIT[B64[i]] = i;

/**
 * Decode a source map's `mappings`: per generated line, [generated column, original line, original column].
 * @param {string} mappings
 * @returns {Array<Array<[number, number, number]>>}
 */
function decode(mappings) {
  const lines = [];
  let origLine = 0;
  let origCol = 0;
  for (const lineText of mappings.split(';')) {
    /** @type {Array<[number, number, number]>} */
    const segs = [];
    let genCol = 0;
    for (const seg of lineText ? lineText.split(',') : []) {
      const vals = [];
      let value = 0;
      let shift = 0;
      for (const ch of seg) {
        const d = DIGIT[ch];
        value += (d & 31) << shift;
        if (d & 32) {
          shift += 5;
        } else {
          vals.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      genCol += vals[0];
      if (vals.length >= 4) {
        origLine += vals[2];
        origCol += vals[3];
        segs.push([genCol, origLine, origCol]);
      }
    }
    lines.push(segs);
  }
  return lines;
}

const NO_BREAK_AFTER = /(?:^|[^\w$.])(?:return|throw|break|continue|yield|async|await)\s*$/;
const NO_BREAK_BEFORE = /^(?:=>|\+\+|--)/;

/**
 * @param {string} code esbuild output (minifyWhitespace)
 * @param {string} mappings its source map's mappings
 * @returns {string}
 */
function layout(code, mappings) {
  // esbuild ends the output with a dead annotation for node's CJS lexer, `0&&(module.exports={...})`,
  // whose segments point at the declarations: drop it (it would cap the lines of everything before it).
  const tail = code.lastIndexOf('0&&(module.exports=');
  if (tail !== -1 && /^0&&\(module\.exports=\{[^]*\}\);?\s*$/.test(code.slice(tail))) code = code.slice(0, tail);
  const genLines = code.split('\n');
  const segLines = decode(mappings);
  // The output is kept as pieces joined at the end, with its last few characters aside: reading the tail
  // of one growing string flattens it at every token (quadratic: 30 s for prettier 3's 1 MB index.mjs).
  /** @type {string[]} */
  const out = [];
  let recent = ''; // the output's last 12 characters
  let line = 0; // current output line (0-based)
  let col = 0; // current output column
  const emit = (/** @type {string} */ text) => {
    out.push(text);
    recent = (text.length >= 12 ? text : recent + text).slice(-12);
    const nl = text.lastIndexOf('\n');
    if (nl === -1) {
      col += text.length;
    } else {
      line += text.split('\n').length - 1;
      col = text.length - nl - 1;
    }
  };
  // Segments are not in source order everywhere (esbuild's prologue lists exports first; keepNames adds
  // calls after a function that point back at it): the text moves down for the longest run of segments
  // whose original lines never decrease (longest non-decreasing subsequence), the others stay put.
  const flat = [];
  for (let g = 0; g < segLines.length; g++) {
    for (let i = 0; i < segLines[g].length; i++) flat.push([g, i, segLines[g][i][1]]);
  }
  const tails = []; // tails[k]: index in flat of the smallest last line of a run of length k+1
  const prev = new Int32Array(flat.length).fill(-1);
  for (let n = 0; n < flat.length; n++) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (flat[tails[mid]][2] <= flat[n][2]) lo = mid + 1; else hi = mid;
    }
    if (lo > 0) prev[n] = tails[lo - 1];
    tails[lo] = n;
  }
  /** @type {Set<string>} */
  const chosen = new Set();
  for (let n = tails.length ? tails[tails.length - 1] : -1; n !== -1; n = prev[n]) {
    chosen.add(flat[n][0] + ':' + flat[n][1]);
  }
  for (let g = 0; g < genLines.length; g++) {
    if (g > 0) emit('\n'); // a newline of esbuild's own output (inside a template literal): keep it
    const text = genLines[g];
    let at = 0;
    const segs = segLines[g] || [];
    for (let i = 0; i < segs.length; i++) {
      const [genCol, origLine, origCol] = segs[i];
      if (genCol < at || genCol > text.length) continue;
      emit(text.slice(at, genCol));
      at = genCol;
      const before = recent;
      if (!chosen.has(g + ':' + i)) continue;
      if (NO_BREAK_AFTER.test(before) || NO_BREAK_BEFORE.test(text.slice(genCol, genCol + 2))) continue;
      if (origLine > line) emit('\n'.repeat(origLine - line));
      if (origLine === line && origCol > col) emit(' '.repeat(origCol - col));
    }
    emit(text.slice(at));
  }
  return out.join('');
}

module.exports = { layout, decode };
