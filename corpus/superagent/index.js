// An HTTP client (loads http/https at load): build a request without sending it.
const superagent = require("superagent");
const req = superagent.post("https://example.com/api").query({ page: 2 }).set("X-Api", "k").send({ a: 1 }).timeout(500);
console.log(req.method, req.url, JSON.stringify(req.qs), req.get("X-Api"), JSON.stringify(req._data));
req.abort();
