// A test runner, programmatic: one spec file, dot reporter.
// NONDETERMINISTIC: the summary line carries a duration ("2 passing (3ms)").
const Mocha = require("mocha");
const path = require("path");
const mocha = new Mocha({ reporter: "spec", color: false });
mocha.addFile(path.join(__dirname, "sample.spec.js"));
mocha.run((failures) => { process.exitCode = failures ? 1 : 0; });
