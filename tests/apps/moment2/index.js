'use strict';
// v8snap test app: formats FIXED instants with moment 2 in several bundled locales (never "now").
const moment = require('moment');
require('moment/locale/fr');
require('moment/locale/de');
require('moment/locale/ja');
require('moment/locale/es');

moment.locale('en');
const epoch = moment.utc(0);
const fixed = moment.utc('2021-03-14T15:09:26.535Z');

console.log('epoch ISO:', epoch.toISOString());
console.log('fixed format:', fixed.format('dddd, MMMM Do YYYY, HH:mm:ss.SSS [UTC]'));
console.log('fixed unix:', fixed.unix(), 'dayOfYear:', fixed.dayOfYear(), 'isoWeek:', fixed.isoWeek());
for (const locale of ['en', 'fr', 'de', 'ja', 'es']) {
  const m = fixed.clone().locale(locale);
  console.log(`${locale}: ${m.format('LLLL')} | ${m.format('L')} | ${m.from(epoch)}`);
}
console.log('add/subtract:', fixed.clone().add(1, 'month').subtract(3, 'days').startOf('day').format());
console.log('diff days:', fixed.diff(epoch, 'days'));
const d = moment.duration(93784, 'seconds');
console.log('duration:', d.days(), d.hours(), d.minutes(), d.seconds(), '|', d.humanize(), '|', d.toISOString());
const parsed = moment.utc('14/03/2021 15:09', 'DD/MM/YYYY HH:mm', true);
console.log('strict parse valid:', parsed.isValid(), parsed.format());
console.log('invalid parse valid:', moment.utc('31/02/2021', 'DD/MM/YYYY', true).isValid());
console.log('locales loaded:', moment.locales().sort().join(','));
console.log('global locale after:', moment.locale());
console.log('moment version:', moment.version);
