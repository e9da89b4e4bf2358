export const unit = "ms";
export function format(n) {
  return `${n.toLocaleString("en-US")} ${unit}`;
}
