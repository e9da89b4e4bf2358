// A template engine: render a string template with a loop and escaping.
const ejs = require("ejs");
console.log(ejs.render("<ul><% for (const u of users) { %><li><%= u.name %> (<%- u.age %>)</li><% } %></ul>",
  { users: [{ name: "Ann <admin>", age: 31 }, { name: "Bob", age: 27 }] }));
console.log(ejs.render("<%= a + b %>", { a: 2, b: 3 }));
