const x: number = 1;
throw new Error("boom " + x);
