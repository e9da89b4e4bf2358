// Dates: luxon DateTime in a fixed zone.
const { DateTime, Duration, Interval } = require("luxon");
const dt = DateTime.fromISO("2024-03-10T01:30:00", { zone: "America/New_York" });
console.log(dt.plus({ hours: 1 }).toISO(), dt.toFormat("cccc, LLL d"));
console.log(Duration.fromObject({ hours: 26, minutes: 5 }).shiftTo("days", "hours", "minutes").toHuman());
console.log(Interval.fromDateTimes(dt, dt.plus({ weeks: 2 })).length("days"));
