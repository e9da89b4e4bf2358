// Validation: compile a JSON schema with formats, validate good and bad data.
const Ajv = require("ajv");
const addFormats = require("ajv-formats");
const ajv = new Ajv({ allErrors: true });
addFormats(ajv);
const validate = ajv.compile({ type: "object", required: ["email", "age"], properties: {
  email: { type: "string", format: "email" }, age: { type: "integer", minimum: 0 } }, additionalProperties: false });
console.log(validate({ email: "a@b.co", age: 3 }));
console.log(validate({ email: "nope", age: -1, x: 1 }), JSON.stringify(validate.errors.map((e) => [e.instancePath, e.keyword])));
