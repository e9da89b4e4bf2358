const assert = require('assert');
describe('math', () => {
  it('adds', () => assert.strictEqual(1 + 1, 2));
  it('multiplies', () => assert.strictEqual(2 * 3, 6));
});
