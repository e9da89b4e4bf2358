'use strict';
// v8snap test app: compiles a JSON schema with ajv 8 and validates good and bad data.
const Ajv = require('ajv');

const ajv = new Ajv({ allErrors: true });
ajv.addFormat('slug', /^[a-z0-9-]+$/);

const schema = {
  $id: 'https://example.test/item.json',
  type: 'object',
  properties: {
    id: { type: 'integer', minimum: 1 },
    slug: { type: 'string', format: 'slug' },
    tags: { type: 'array', items: { type: 'string' }, uniqueItems: true, maxItems: 3 },
    price: { type: 'number', exclusiveMinimum: 0 },
    kind: { enum: ['book', 'film'] },
    meta: {
      type: 'object',
      properties: { pages: { type: 'integer' } },
      additionalProperties: false,
    },
  },
  required: ['id', 'slug', 'kind'],
  additionalProperties: false,
};

const validate = ajv.compile(schema);
const cases = {
  valid: { id: 1, slug: 'dune', tags: ['sf'], price: 9.5, kind: 'book', meta: { pages: 412 } },
  invalid: { id: 0, slug: 'Not A Slug', tags: ['a', 'a', 'b', 'c'], price: 0, kind: 'game', meta: { x: 1 }, extra: true },
  missing: { slug: 'x' },
};
for (const [name, data] of Object.entries(cases)) {
  const ok = validate(data);
  console.log(`${name}: ${ok}`);
  for (const e of validate.errors || []) {
    console.log(`  ${e.instancePath || '/'} ${e.keyword}: ${e.message} ${JSON.stringify(e.params)}`);
  }
}
console.log('errorsText:', ajv.errorsText(validate.errors ? validate.errors.slice(0, 2) : null));
console.log('schema by id:', typeof ajv.getSchema('https://example.test/item.json'));
console.log('generated code size > 0:', String(validate).length > 0);
console.log('ajv version:', require('ajv/package.json').version);
