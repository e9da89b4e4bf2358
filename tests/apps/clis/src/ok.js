const fine = 1;
module.exports = fine;
