// Dates: moment with a fixed UTC timestamp and a locale.
const moment = require("moment");
require("moment/locale/fr");
const m = moment.utc("2024-02-29T13:45:00Z");
console.log(m.format("dddd, MMMM Do YYYY, h:mm a"), m.clone().locale("fr").format("LLLL"));
console.log(m.clone().add(1, "month").toISOString(), moment.duration(90, "minutes").humanize());
