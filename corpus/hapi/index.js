// An HTTP framework, built without listening: hapi server with routes, print its table and inject.
const Hapi = require("@hapi/hapi");
(async () => {
  const server = Hapi.server({ port: 0, host: "localhost" });
  server.route({ method: "GET", path: "/", handler: () => "hello" });
  server.route({ method: "GET", path: "/users/{id}", handler: (req) => ({ id: req.params.id }) });
  console.log(server.table().map((r) => `${r.method} ${r.path}`).join("\n"));
  await server.initialize();
  const res = await server.inject("/users/9");
  console.log(res.statusCode, res.payload);
  await server.stop();
})();
