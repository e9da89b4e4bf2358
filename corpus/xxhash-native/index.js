// A native addon (a napi-rs package; the .node binary comes from a platform npm package and stays on disk).
const { xxh32, xxh64, Xxh64, xxh3 } = require("@node-rs/xxhash");
console.log(xxh32("hello world", 0), xxh64("hello world").toString(16));
console.log(new Xxh64(0n).update("abc").digest().toString(16), xxh3.xxh64("abc").toString(16));
