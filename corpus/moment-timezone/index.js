const m=require('moment-timezone');console.log(m.tz('2020-06-01T12:00:00Z','America/New_York').format(), m.tz.names().length);
