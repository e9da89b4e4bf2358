const sass = require('sass');
console.log(sass.compileString('$c: red; a { b { color: $c; } }').css);
