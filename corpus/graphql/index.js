const { graphql, buildSchema } = require('graphql');
const schema = buildSchema('type Query { hello(n: Int): String }');
graphql({ schema, source: '{ hello(n: 3) }', rootValue: { hello: ({ n }) => 'x'.repeat(n) } }).then((r) => console.log(JSON.stringify(r)));
