// Validation: a yup schema, cast and validate (sync).
const yup = require("yup");
const schema = yup.object({ name: yup.string().required(), age: yup.number().required().positive().integer(),
  website: yup.string().url().nullable() });
console.log(JSON.stringify(schema.cast({ name: "jimmy", age: "24", website: null })));
try { schema.validateSync({ name: "", age: -3 }, { abortEarly: false }); } catch (e) { console.log(e.errors.join("; ")); }
