import Logging

/// Sends every log line to standard error at the chosen level.
enum LogBootstrap {
    /// Returns the command's own logger.
    static func run(level: Logger.Level, label: String) -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: label)
        logger.logLevel = level
        return logger
    }
}
