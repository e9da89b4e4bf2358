// prettier 3 formats one file: an ESM app importing prettier's ESM entry (index.mjs) and its plugins.
import { readFileSync } from "node:fs";
import * as prettier from "prettier";

const file = new URL("./sample.js", import.meta.url);
const out = await prettier.format(readFileSync(file, "utf8"), { filepath: "sample.js" });
process.stdout.write(out);
