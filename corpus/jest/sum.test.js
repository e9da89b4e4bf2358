test('adds', () => { expect(1 + 2).toBe(3); });
test('obj', () => { expect({ a: [1, 2] }).toEqual({ a: [1, 2] }); });
