'use strict';
// v8snap test app: lodash 4 chains, collection helpers and _.template; deterministic output.
const _ = require('lodash');

const users = [
  { name: 'ada', age: 36, team: 'core', active: true },
  { name: 'bob', age: 24, team: 'web', active: false },
  { name: 'cy', age: 41, team: 'core', active: true },
  { name: 'dee', age: 29, team: 'web', active: true },
  { name: 'eve', age: 33, team: 'ops', active: true },
];

const activeByTeam = _.chain(users)
  .filter('active')
  .groupBy('team')
  .mapValues((xs) => _.map(_.sortBy(xs, 'age'), 'name'))
  .value();
console.log('active by team:', JSON.stringify(activeByTeam, Object.keys(activeByTeam).sort()));
console.log('mean age:', _.meanBy(users, 'age'));
console.log('oldest:', _.maxBy(users, 'age').name);
console.log('chunks:', JSON.stringify(_.chunk(_.range(1, 11), 3)));
console.log('zip:', JSON.stringify(_.zipObject(['a', 'b', 'c'], [1, 2, 3])));
console.log('deep merge:', JSON.stringify(_.merge({ a: { b: 1, c: [1] } }, { a: { d: 2, c: [undefined, 2] } })));
console.log('get path:', _.get({ a: [{ b: { c: 'deep' } }] }, 'a[0].b.c'));
console.log('cases:', _.camelCase('Foo Bar-baz'), _.kebabCase('fooBarBaz'), _.snakeCase('Foo Bar'), _.startCase('hello-world'));
console.log('uniq/difference:', JSON.stringify(_.uniq([3, 1, 3, 2, 1])), JSON.stringify(_.difference([1, 2, 3, 4], [2, 4])));
console.log('isEqual:', _.isEqual({ x: [1, { y: 2 }] }, { x: [1, { y: 2 }] }));

const memoCalls = [];
const slowSquare = _.memoize((n) => { memoCalls.push(n); return n * n; });
[2, 3, 2, 3, 4].forEach((n) => slowSquare(n));
console.log('memoize computed:', JSON.stringify(memoCalls));

const compiled = _.template('Hello <%= user %>! Teams: <% _.forEach(teams, function(t) { %>[<%- t %>]<% }); %>');
console.log(compiled({ user: 'ada', teams: ['core', '<web>'] }));
const interp = _.template('total=${ total }', { interpolate: /\$\{([\s\S]+?)\}/g });
console.log(interp({ total: _.sumBy(users, 'age') }));
console.log('lodash version:', _.VERSION);
