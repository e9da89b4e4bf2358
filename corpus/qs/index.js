// Query strings: qs nested parse/stringify (express's parser).
const qs = require("qs");
console.log(JSON.stringify(qs.parse("a[b][c]=1&list[]=x&list[]=y&n=%20sp")));
console.log(qs.stringify({ a: { b: [1, 2] }, c: "d e" }, { encodeValuesOnly: true }));
