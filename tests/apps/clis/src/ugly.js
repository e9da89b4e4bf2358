const ugly = {a:1,
  b:[1,2]}
module.exports = ugly
