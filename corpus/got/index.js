// An HTTP client (loads http/https at load): an extended instance's merged options, no request sent.
const got = require("got");
const client = got.extend({ prefixUrl: "https://api.example.com", headers: { "user-agent": "corpus" }, retry: { limit: 1 }, responseType: "json" });
const o = client.defaults.options;
console.log(String(o.prefixUrl), o.headers["user-agent"], o.retry.limit, o.responseType, typeof got.stream);
