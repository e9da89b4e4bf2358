const unused = 1;
console.log(undefinedThing);
