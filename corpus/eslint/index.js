// A linter's library API: lint a snippet with a few core rules, print the messages.
const { Linter } = require("eslint");
const linter = new Linter({ configType: "flat" });
const code = "var a = 1\nif (a == 2) { debugger }\nconsole.log(b)\n";
const messages = linter.verify(code, [{
  languageOptions: { ecmaVersion: 2022, sourceType: "script", globals: { console: "readonly" } },
  rules: { eqeqeq: "error", "no-debugger": "error", "no-undef": "error", semi: "warn", "no-var": "warn" },
}], "sample.js");
for (const m of messages) console.log(`${m.line}:${m.column} ${m.ruleId} ${m.message}`);
const fixed = linter.verifyAndFix(code, [{ rules: { semi: "error", "no-var": "error" } }]);
console.log(JSON.stringify(fixed.output));
