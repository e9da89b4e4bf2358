// HTML: cheerio loads markup and queries it like jQuery (its package pulls in undici).
const cheerio = require("cheerio");
const $ = cheerio.load('<ul id="fruits"><li class="apple">Apple</li><li class="pear">Pear</li></ul>');
console.log($("li").map((i, el) => $(el).text()).get().join(","), $(".pear").attr("class"));
$("ul").append("<li>Plum</li>");
console.log($.html("ul"));
