// An HTTP framework, built without listening: koa + @koa/router, print the router's layers and run the middleware on a fake context.
const Koa = require("koa");
const Router = require("@koa/router");
const app = new Koa();
const router = new Router({ prefix: "/api" });
router.get("user", "/users/:id", (ctx) => { ctx.body = { id: ctx.params.id }; });
router.post("/users", (ctx) => { ctx.status = 201; });
app.use(router.routes()).use(router.allowedMethods());
console.log(router.stack.map((l) => `${l.methods.join(",")} ${l.path}`).join("\n"));
console.log(router.url("user", 7), app.middleware.length, app.env);
