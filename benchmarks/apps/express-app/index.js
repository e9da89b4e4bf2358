'use strict';
// v8snap benchmark app: startup is dominated by loading express 4 and its ~70 small modules
// (many files, many require() calls). Builds an app with routers and middleware; never listens.
//   node index.js            build the app, print a summary
//   node index.js --routes   also list every route
const express = require('express');

const app = express();
app.disable('x-powered-by');
app.use(express.json());
app.use(express.urlencoded({ extended: false }));
app.use(express.static(__dirname + '/public', { fallthrough: true }));

const resources = ['users', 'teams', 'projects', 'issues', 'comments', 'labels', 'milestones', 'hooks'];
for (const name of resources) {
  const r = express.Router({ mergeParams: true });
  r.param('id', (req, res, next, id) => { req.resourceId = id; next(); });
  r.get('/', (req, res) => res.json([]));
  r.post('/', (req, res) => res.status(201).json({}));
  r.get('/:id', (req, res) => res.json({ id: req.resourceId }));
  r.patch('/:id', (req, res) => res.json({ id: req.resourceId }));
  r.delete('/:id', (req, res) => res.status(204).end());
  app.use(`/api/v1/${name}`, r);
}
app.get('/health', (req, res) => res.send('ok'));
app.use((err, req, res, next) => res.status(500).json({ error: err.message }));

let routes = 0;
const lines = [];
for (const layer of app._router.stack) {
  if (layer.route) {
    routes += 1;
    lines.push(`${Object.keys(layer.route.methods).join(',').toUpperCase()} ${layer.route.path}`);
  } else if (layer.handle && layer.handle.stack) {
    for (const inner of layer.handle.stack) {
      if (!inner.route) continue;
      routes += 1;
      lines.push(`${Object.keys(inner.route.methods).join(',').toUpperCase()} ${layer.regexp.source} ${inner.route.path}`);
    }
  }
}
console.log(`express ${require('express/package.json').version}: ${app._router.stack.length} layers, ${routes} routes`);
if (process.argv.includes('--routes')) for (const line of lines) console.log(line);
