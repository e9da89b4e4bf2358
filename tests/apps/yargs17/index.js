'use strict';
// v8snap test app: parses argv with yargs 17 and prints the parsed object with sorted keys.
// No arguments -> the defaults. `--fail` -> message on stderr and exit code 3 (on purpose).
const yargs = require('yargs/yargs');
const { hideBin } = require('yargs/helpers');

let commandRun = 'none';

const parser = yargs(hideBin(process.argv))
  .scriptName('yargs17-app')
  .locale('en')
  .wrap(80)
  .option('verbose', { alias: 'v', type: 'boolean', default: false, describe: 'talk more' })
  .option('count', { alias: 'c', type: 'number', default: 1, describe: 'repeat count' })
  .option('format', { choices: ['json', 'text'], default: 'text', describe: 'output format' })
  .option('tag', { type: 'array', default: [], describe: 'tags (repeatable)' })
  .option('fail', { type: 'boolean', default: false, describe: 'exit with code 3 on purpose' })
  .command('greet <name>', 'greet someone', (y) => y.positional('name', { type: 'string' }), (argv) => {
    commandRun = `greet:${argv.name}`;
  })
  .command('sum <nums..>', 'add numbers', (y) => y.positional('nums', { type: 'number' }), (argv) => {
    commandRun = `sum:${argv.nums.reduce((a, b) => a + b, 0)}`;
  })
  .strict()
  .exitProcess(false)
  .fail((msg, err) => {
    process.stderr.write(`yargs17-app: ${msg || (err && err.message)}\n`);
    process.exit(2);
  });

const argv = parser.parseSync();

console.log('options parsed:', Object.keys(argv).filter((k) => k !== '$0').length);
if (argv.fail) {
  process.stderr.write('yargs17-app: failing on purpose (--fail)\n');
  process.exit(3);
}

function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out = {};
    for (const key of Object.keys(value).sort()) {
      if (key === '$0') continue; // derived from the script path: machine-specific
      out[key] = sortKeys(value[key]);
    }
    return out;
  }
  return value;
}

console.log('command:', commandRun);
console.log(JSON.stringify(sortKeys(argv), null, 2));
const text = argv.format === 'json' ? JSON.stringify({ verbose: argv.verbose }) : `verbose=${argv.verbose}`;
for (let i = 0; i < Math.min(argv.count, 5); i++) console.log(`line ${i + 1}: ${text}`);
