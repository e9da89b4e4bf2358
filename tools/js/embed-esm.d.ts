// The ES module registry joined before the embed/runtime part (embed/builder.py embed_runtime_source,
// js/embed/server.js); checked with the snapshot parts (tsconfig.snapshot.json), declared here for the embed part.
declare function __v8snap_esm(...args: any[]): any;
