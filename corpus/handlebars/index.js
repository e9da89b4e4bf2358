// A template engine: compile with a helper and a partial.
const Handlebars = require("handlebars");
Handlebars.registerHelper("upper", (s) => String(s).toUpperCase());
Handlebars.registerPartial("item", "<li>{{upper name}} x{{qty}}</li>");
const t = Handlebars.compile("<h1>{{title}}</h1><ul>{{#each items}}{{> item}}{{/each}}</ul>{{#if note}}<p>{{note}}</p>{{/if}}");
console.log(t({ title: "Order <1>", items: [{ name: "apple", qty: 2 }, { name: "pear", qty: 1 }], note: "thanks" }));
