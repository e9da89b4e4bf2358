// An HTTP client (loads http/https at load): build Requests/Headers/Responses without the network.
const fetch = require("node-fetch");
const { Headers, Request, Response } = fetch;
const req = new Request("https://example.com/api?x=1", { method: "POST", body: JSON.stringify({ a: 1 }), headers: { "Content-Type": "application/json" } });
console.log(req.method, req.url, req.headers.get("content-type"));
new Response('{"ok":true}', { status: 201 }).json().then((j) => console.log(JSON.stringify(j), fetch.isRedirect(301), [...new Headers({ b: "2", a: "1" }).keys()].join(",")));
