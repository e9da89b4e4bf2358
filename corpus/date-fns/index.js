// Dates: date-fns formatting and arithmetic on fixed UTC timestamps.
const { formatISO, addDays, differenceInCalendarDays, isLeapYear, formatDistanceStrict } = require("date-fns");
const d = new Date(Date.UTC(2024, 1, 29, 12, 0, 0));
console.log(formatISO(addDays(d, 1), { representation: "date" }).length, isLeapYear(d));
console.log(differenceInCalendarDays(new Date(Date.UTC(2024, 11, 25, 12)), d));
console.log(formatDistanceStrict(d, new Date(Date.UTC(2024, 2, 10, 12))));
