// IDs: deterministic uuid functions (v5, parse, validate).
const { v5, validate, version, parse, stringify, NIL } = require("uuid");
const id = v5("hello", v5.URL);
console.log(id, validate(id), version(id), stringify(parse(id)) === id, NIL);
