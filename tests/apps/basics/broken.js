// Never loaded: a syntax error on purpose (tools must not choke on it, and must not run it).
function broken( {
  return 1
