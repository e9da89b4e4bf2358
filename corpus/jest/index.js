// jest's own API, in band, on one test file: the counts are printed, not the reporter's timings.
const { runCLI } = require('jest');
runCLI({ runInBand: true, silent: true, reporters: [], _: [], $0: 'jest' }, [__dirname])
  .then(({ results }) => {
    console.log('suites', results.numTotalTestSuites, 'passed', results.numPassedTests, 'failed', results.numFailedTests);
    for (const file of results.testResults) {
      for (const t of file.testResults) console.log(t.status, t.fullName);
    }
  })
  .catch((e) => { console.error(e); process.exit(1); });
