const helper = (o) => o?.a?.b ?? 'none';
exports.f = function f(o) { return `v=${helper(o)}`; };
