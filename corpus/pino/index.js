// Logging that reads the environment: pino without time/pid/hostname, level from LOG_LEVEL.
const pino = require("pino");
const logger = pino({ level: process.env.LOG_LEVEL || "info", base: undefined, timestamp: false });
logger.info({ user: "ann" }, "login");
logger.child({ req: 1 }).warn("slow");
logger.debug("hidden");
