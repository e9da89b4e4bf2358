// Terminal: render a table (colour off for headers so the output is stable).
const Table = require("cli-table3");
const t = new Table({ head: ["pkg", "version"], style: { head: [], border: [] }, colWidths: [14, 10] });
t.push(["express", "5.x"], ["typescript", "5.x"]);
console.log(t.toString());
