// @ts-check
// The time zone and the default locale are facts of the run, set by the environment (TZ; LC_ALL,
// LC_MESSAGES, LANG): a value computed at load from local time (`new Date(2020, 0, 1)`, `getHours()`,
// `toString()`, `Date.parse('2020-01-01 10:00')`) or from the default locale (`(1234.5).toLocaleString()`,
// `a.localeCompare(b)`) would be baked into the blob. Such a call records assumptions on those variables
// (the loader compares them at startup, as any environment variable read at load), or is a violation
// (ENV_READ) when assumptions are off.
/* exported __v8snap_guardLocale */

/**
 * @param {V8snapState} state
 * @param {Record<string, string | undefined>} realEnv the process's environment (not the guarded proxy)
 * @returns {{tz: () => void}} tz: record the time zone assumption (the Date constructor's guard calls it)
 */
function __v8snap_guardLocale(state, realEnv) {
  'use strict';
  /** @param {string[]} names @param {string} what */
  const assumeEnv = (names, what) => {
    for (const name of names) {
      if (!state.assume('env', name, realEnv[name])) state.violate('ENV_READ', what);
    }
  };
  const tz = () => assumeEnv(['TZ'], 'the time zone');
  const locale = () => assumeEnv(['LC_ALL', 'LC_MESSAGES', 'LANG'], 'the default locale');
  const tzLocale = (/** @type {any[]} */ args) => {
    tz();
    if (args[0] === undefined) locale(); // (toString has no arguments: always)
  };
  /** @param {any} obj @param {string[]} names @param {(args: any[]) => void} record */
  const guardAll = (obj, names, record) => {
    for (const name of names) {
      // `when` records and answers false: no violation (assumeEnv throws one when assumptions are off).
      state.guardMethod(obj, name, 'ENV_READ', null, (args) => {
        record(args);
        return false;
      });
    }
  };
  const localeAt = (/** @type {number} */ i) => (/** @type {any[]} */ args) => {
    if (args[i] === undefined) locale();
  };
  guardAll(Date.prototype, ['getFullYear', 'getMonth', 'getDate', 'getDay', 'getHours', 'getMinutes',
    'getSeconds', 'getMilliseconds', 'getTimezoneOffset', 'getYear', 'setFullYear', 'setMonth', 'setDate',
    'setHours', 'setMinutes', 'setSeconds', 'setMilliseconds', 'setYear', 'toDateString'], tz);
  // (toString names the time zone in the default locale's language: "GMT+0100 (Mitteleuropaeische ...)")
  guardAll(Date.prototype, ['toString', 'toTimeString', 'toLocaleString', 'toLocaleDateString',
    'toLocaleTimeString'], tzLocale);
  guardAll(Date, ['parse'], tz);
  guardAll(Number.prototype, ['toLocaleString'], localeAt(0));
  guardAll(BigInt.prototype, ['toLocaleString'], localeAt(0));
  guardAll(Array.prototype, ['toLocaleString'], localeAt(0));
  guardAll(String.prototype, ['toLocaleUpperCase', 'toLocaleLowerCase'], localeAt(0));
  guardAll(String.prototype, ['localeCompare'], localeAt(1));
  return { tz };
}
