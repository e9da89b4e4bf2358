// An HTTP framework, built without listening: routes and a plugin, then inject a request.
const fastify = require("fastify")({ logger: false });
fastify.register(async (instance) => {
  instance.get("/items/:id", { schema: { params: { type: "object", properties: { id: { type: "integer" } } } } },
    async (req) => ({ id: req.params.id, type: typeof req.params.id }));
}, { prefix: "/v1" });
fastify.get("/", async () => ({ hello: "world" }));
fastify.ready().then(async () => {
  console.log(fastify.printRoutes({ commonPrefix: false }));
  const res = await fastify.inject({ method: "GET", url: "/v1/items/42" });
  console.log(res.statusCode, res.body);
  await fastify.close();
});
