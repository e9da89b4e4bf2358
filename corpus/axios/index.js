// An HTTP client (loads http/https at load): an instance with defaults and an interceptor, no request sent.
const axios = require("axios");
const api = axios.create({ baseURL: "https://api.example.com/v1", timeout: 1000, headers: { "X-Token": "t" } });
api.interceptors.request.use((c) => c);
console.log(api.getUri({ url: "/users", params: { page: 2, q: "a b" } }));
console.log(api.defaults.timeout, api.defaults.headers["X-Token"], typeof axios.isAxiosError, axios.VERSION.split(".")[0]);
