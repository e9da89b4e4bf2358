// Markdown: markdown-it with linkify and typographer.
const MarkdownIt = require("markdown-it");
const md = new MarkdownIt({ linkify: true, typographer: true });
console.log(md.render("## Hello\n\nVisit https://example.com -- \"quoted\" (c)\n\n```js\nlet x = 1;\n```\n"));
