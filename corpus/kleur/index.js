// Colour: kleur checks NO_COLOR / FORCE_COLOR / TTY at load.
const kleur = require("kleur");
console.log(kleur.red().bold("red bold"), kleur.green("green"), "coloured", kleur.red("x") !== "x");
