export function fail(): never {
  // comment
  throw new Error("mapped");
}
