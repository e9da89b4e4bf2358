// Versions: semver ranges and comparisons (npm's own library).
const semver = require("semver");
console.log(semver.satisfies("1.2.3", "^1.0.0"), semver.maxSatisfying(["1.2.3", "1.4.0", "2.0.0"], "~1.4"), semver.inc("1.2.3", "prerelease", "beta"));
console.log(semver.sort(["2.0.0", "1.0.0-rc.1", "1.0.0"]).join(" "), semver.coerce("v3.4 build").version);
