// Markdown: render a document with GFM features.
const { marked } = require("marked");
console.log(marked.parse("# Title\n\nSome *emphasis* and `code`.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n- [ ] todo\n"));
