'use strict';
// v8snap test app: builds an express 4 app with a router and middleware, never listens.
// Prints the route stack and a few loader facts; output is deterministic.
const path = require('path');
const express = require('express');

const app = express();
app.disable('x-powered-by');
app.set('view cache', true);

function requestId(req, res, next) {
  req.requestId = 'fixed-id';
  next();
}
function jsonBody(req, res, next) {
  next();
}

app.use(requestId);
app.use(express.json({ limit: '10kb' }));

const api = express.Router();
api.use(jsonBody);
api.get('/items', (req, res) => res.json([]));
api.get('/items/:id', (req, res) => res.json({ id: req.params.id }));
api.post('/items', (req, res) => res.status(201).end());
api.delete('/items/:id', (req, res) => res.status(204).end());
app.use('/api', api);

app.get('/', (req, res) => res.send('home'));
app.route('/health').get((req, res) => res.send('ok')).head((req, res) => res.end());
app.all('/echo', (req, res) => res.end());

function describeStack(stack, indent) {
  const lines = [];
  for (const layer of stack) {
    if (layer.route) {
      const methods = Object.keys(layer.route.methods).filter((m) => m !== '_all').sort();
      const all = layer.route.methods._all || methods.length > 20;
      const shown = all ? 'ALL' : methods.map((m) => m.toUpperCase()).join(',');
      lines.push(`${indent}route ${shown} ${layer.route.path}`);
    } else if (layer.name === 'router' && layer.handle.stack) {
      lines.push(`${indent}router ${layer.regexp}`);
      lines.push(...describeStack(layer.handle.stack, indent + '  '));
    } else {
      lines.push(`${indent}middleware ${layer.name}`);
    }
  }
  return lines;
}

console.log('express app (not listening)');
for (const line of describeStack(app._router.stack, '  ')) console.log(line);
// Match paths against the api router's layers (path-to-regexp at run time, no request objects).
for (const url of ['/items', '/items/42', '/nope']) {
  const hits = api.stack
    .filter((layer) => layer.route && layer.match(url))
    .map((layer) => `${Object.keys(layer.route.methods).sort().join('|')} ${JSON.stringify(layer.params)}`);
  console.log(`match ${url}:`, hits.length ? hits.join('; ') : 'none');
}
console.log('settings x-powered-by:', app.get('x-powered-by'));
console.log('settings view cache:', app.get('view cache'));
console.log('typeof http.createServer:', typeof require('http').createServer);
console.log('express resolves to:', path.relative(__dirname, require.resolve('express')).split(path.sep).join('/'));
console.log('express version:', require('express/package.json').version);
console.log('many modules loaded:', Object.keys(require.cache).length > 10);
console.log('argv:', JSON.stringify(process.argv.slice(2)));
