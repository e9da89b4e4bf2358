// ESM entry: import of a CJS package (ms: default = module.exports), of an ESM-only one (chalk 5),
// createRequire for a CJS package (semver) and a local CJS module that require()s a local ES module.
import { createRequire } from "node:module";
import ms from "ms";
import chalk, { supportsColor } from "chalk";
import { format } from "./lib/format.js";

const require = createRequire(import.meta.url);
const semver = require("semver");
const report = require("./lib/report.cjs");

console.log(format(ms("2 days")), ms(90061000, { long: true }));
console.log(semver.satisfies("1.2.3", "^1.0.0"), semver.inc("1.2.3", "minor"));
console.log(chalk.yellow(report.summary(["a", "b"])), typeof supportsColor);
