export function greet(n: string): string {
  return `hi ${n}`;
}
