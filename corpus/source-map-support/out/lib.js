"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.fail = fail;
function fail() {
    // comment
    throw new Error("mapped");
}
//# sourceMappingURL=lib.js.map