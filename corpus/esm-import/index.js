// ESM inside: a CJS app reaches an ESM-only package (chalk 5) with import().
(async () => {
  const { default: chalk, supportsColor } = await import("chalk");
  console.log(chalk.green("ok"), "level", chalk.level, JSON.stringify(supportsColor));
})();
