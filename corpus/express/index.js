// An HTTP framework, built without listening: routes, a router, middleware; print the route table.
const express = require("express");
const app = express();
app.use(express.json());
const api = express.Router();
api.get("/users/:id", (req, res) => res.json({ id: req.params.id }));
api.post("/users", (req, res) => res.status(201).end());
app.use("/api", api);
app.get("/", (req, res) => res.send("hi"));
app.set("view engine", "ejs");
const routes = [];
for (const layer of app.router.stack) {
  if (layer.route) routes.push(Object.keys(layer.route.methods).join(",").toUpperCase() + " " + layer.route.path);
  else if (layer.handle && layer.handle.stack) for (const l of layer.handle.stack) if (l.route) routes.push(Object.keys(l.route.methods).join(",").toUpperCase() + " /api" + l.route.path);
}
console.log(routes.join("\n"), "\nsettings:", app.get("view engine"), app.get("env"));
