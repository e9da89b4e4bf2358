// Validation: a zod schema with refinements and transforms.
const { z } = require("zod");
const User = z.object({ name: z.string().min(2), age: z.number().int().positive(), email: z.string().email().optional() })
  .transform((u) => ({ ...u, label: `${u.name} (${u.age})` }));
console.log(JSON.stringify(User.parse({ name: "Ann", age: 30 })));
const r = User.safeParse({ name: "A", age: -1, email: "x" });
console.log(r.success, JSON.stringify(r.error.issues.map((i) => [i.path.join("."), i.code])));
