'use strict';
// v8snap doctor benchmark app: loads >= 1,000 real CommonJS modules at startup and prints a
// deterministic summary. Every lodash function module, every moment locale, rxjs (+ operators),
// ajv (with formats compiled), express and yargs.
const fs = require('fs');
const path = require('path');

const lodashDir = path.dirname(require.resolve('lodash/package.json'));
const lodashFns = fs.readdirSync(lodashDir).filter((f) => /^[a-z][A-Za-z0-9]*\.js$/.test(f)).sort();
const lodash = {};
for (const f of lodashFns) lodash[f.slice(0, -3)] = require('lodash/' + f);

const moment = require('moment');
const localeDir = path.join(path.dirname(require.resolve('moment/package.json')), 'locale');
const locales = fs.readdirSync(localeDir).filter((f) => f.endsWith('.js')).sort();
for (const f of locales) require('moment/locale/' + f);
moment.locale('en');

const rxjs = require('rxjs');
const operators = require('rxjs/operators');
const Ajv = require('ajv');
const express = require('express');
const yargs = require('yargs/yargs');

const ajv = new Ajv();
const validate = ajv.compile({ type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] });
const out = [];
rxjs.of(1, 2, 3).pipe(operators.map((x) => x * 2)).subscribe((v) => out.push(v));
const argv = yargs(['--size', '3']).option('size', { type: 'number' }).parse();
const app = express();
app.get('/', (req, res) => res.send('ok'));

console.log(`lodash functions: ${Object.keys(lodash).length}, chunk: ${JSON.stringify(lodash.chunk([1, 2, 3, 4], 2))}`);
console.log(`moment locales: ${moment.locales().length}, fr: ${moment.utc(0).locale('fr').format('LL')}`);
console.log(`rxjs: ${out.join(',')}, ajv: ${validate({ n: 1 })}/${validate({})}, yargs size: ${argv.size}`);
console.log(`express routes: ${app._router.stack.length}, modules loaded: ${Object.keys(require.cache).length > 1000}`);
