// Validation: a joi schema, valid and invalid input.
const Joi = require("joi");
const schema = Joi.object({ username: Joi.string().alphanum().min(3).max(30).required(),
  birth_year: Joi.number().integer().min(1900).max(2013), tags: Joi.array().items(Joi.string()) });
console.log(JSON.stringify(schema.validate({ username: "abc", birth_year: 1994, tags: ["x"] })));
const r = schema.validate({ username: "a!", birth_year: 1800 }, { abortEarly: false });
console.log(r.error.details.map((d) => d.message).join("; "));
