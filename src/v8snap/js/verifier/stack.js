// @ts-check
'use strict';
// Stack frames of the verifier bundle mapped back to module definitions.

/**
 * Map a stack to the first frame inside a module definition: './node_modules/x/index.js:LINE:COL'.
 * @param {string} bundleFile the bundle's file name (frames name it)
 * @param {Array<[number, string]>} lineTable [[startLine, key], ...] sorted by line: where each definition
 *   begins in the bundle
 * @param {any} stack an Error's stack
 * @returns {string} '' when no frame is inside a definition
 */
function mapStack(bundleFile, lineTable, stack) {
  const lines = String(stack || '').split('\n');
  for (const line of lines.slice(1)) {
    const i = line.indexOf(bundleFile + ':');
    if (i === -1) continue;
    const m = /:(\d+):(\d+)\)?\s*$/.exec(line.slice(i + bundleFile.length));
    if (!m) continue;
    const ln = Number(m[1]);
    let lo = 0;
    let hi = lineTable.length - 1;
    let hit = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (lineTable[mid][0] <= ln) {
        hit = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (hit === -1) continue; // a prelude frame (a guard)
    const [start, key] = lineTable[hit];
    return `${key}:${ln - start}:${m[2]}`;
  }
  return '';
}

module.exports = { mapStack };
