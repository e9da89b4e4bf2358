const x: number = "not a number";
export const y = x;
