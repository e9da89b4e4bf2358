// Config: dotenv parses a .env file next to the app (path from __dirname, not cwd).
const path = require("path");
const dotenv = require("dotenv");
const r = dotenv.config({ path: path.join(__dirname, "app.env"), quiet: true });
console.log(JSON.stringify(r.parsed), process.env.CORPUS_GREETING);
console.log(JSON.stringify(dotenv.parse("A=1\nB='two words'\n# c\nC=\"x\\ny\"")));
