#!/usr/bin/env node
// An ESM-entry CLI ("type": "module"): column widths of its arguments, coloured by chalk 5, measured by
// string-width 7 (both ESM-only).
import chalk from "chalk";
import stringWidth from "string-width";

const args = process.argv.slice(2);
const upper = args.includes("--upper");
const words = ["héllo", "日本語", "👍 ok", ...args.filter((a) => !a.startsWith("--"))];
const rows = words.map((w) => [upper ? w.toUpperCase() : w, stringWidth(w)]);
const width = Math.max(...rows.map(([w]) => stringWidth(w)));
for (const [word, n] of rows) {
  console.log(chalk.bold(word) + " ".repeat(width - stringWidth(word) + 1) + chalk.green(String(n)));
}
console.log(chalk.level >= 0, import.meta.main, import.meta.filename === process.argv[1]);
