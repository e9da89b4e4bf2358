// A template engine: compile pug to a function and render.
const pug = require("pug");
const fn = pug.compile("doctype html\nhtml\n  body\n    h1= title\n    ul\n      each v in items\n        li.item= v\n    if admin\n      p Admin");
console.log(fn({ title: "Pug page", items: ["a", "b", "c"], admin: true }));
