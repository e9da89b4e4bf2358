// Logging that reads the environment: winston logger, level from LOG_LEVEL, a printf format without time.
const winston = require("winston");
const logger = winston.createLogger({ level: process.env.LOG_LEVEL || "info",
  format: winston.format.combine(winston.format.splat(), winston.format.printf((i) => `${i.level}: ${i.message}`)),
  transports: [new winston.transports.Console()] });
logger.info("started %s", "app");
logger.debug("hidden unless LOG_LEVEL=debug");
logger.warn("careful");
