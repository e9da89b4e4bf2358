// Dates: dayjs with plugins, a fixed timestamp in UTC.
const dayjs = require("dayjs");
dayjs.extend(require("dayjs/plugin/utc"));
dayjs.extend(require("dayjs/plugin/relativeTime"));
const d = dayjs.utc("2024-02-29T13:45:00Z");
console.log(d.format("YYYY-MM-DD HH:mm dddd"), d.add(1, "year").format("YYYY-MM-DD"));
console.log(d.from(dayjs.utc("2024-05-01T00:00:00Z")), d.diff(dayjs.utc("2024-01-01"), "day"));
