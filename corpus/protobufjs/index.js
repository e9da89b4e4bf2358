const protobuf = require('protobufjs');
const root = protobuf.Root.fromJSON({ nested: { P: { fields: { name: { type: 'string', id: 1 }, age: { type: 'int32', id: 2 } } } } });
const P = root.lookupType('P');
const buf = P.encode(P.create({ name: 'ann', age: 42 })).finish();
console.log(Buffer.from(buf).toString('hex'), JSON.stringify(P.decode(buf)));
