// Logging: one Logger per process, created in main and passed down; components log through a
// cheap Log handle that carries their name. Thread-safe: any thread may log.
// Never log card numbers or citizen data: log what happened, not what was typed.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace shubbak {

enum class LogLevel { debug, info, warn, error };

std::string_view to_string(LogLevel level);
std::optional<LogLevel> parse_log_level(std::string_view text);

struct LogRecord {
  LogLevel level;
  std::string_view component;
  std::string_view message;
};

class LogSink {
 public:
  virtual ~LogSink() = default;
  virtual void write(const LogRecord& record) = 0;
};

// "2026-11-21T05:40:00.123Z info  display: opened 1920x1080" on a stream.
std::unique_ptr<LogSink> make_stderr_sink();
// The systemd journal, with PRIORITY and SHUBBAK_COMPONENT fields.
std::unique_ptr<LogSink> make_journal_sink();
// True when journald's socket is there to take records.
bool journal_available();

class Logger {
 public:
  explicit Logger(LogLevel threshold);
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  void add_sink(std::unique_ptr<LogSink> sink);
  void set_threshold(LogLevel threshold);
  bool enabled(LogLevel level) const { return level >= m_threshold; }
  void write(LogLevel level, std::string_view component, std::string_view message);

 private:
  LogLevel m_threshold;
  std::mutex m_mutex;  // serialises sinks so lines never interleave
  std::vector<std::unique_ptr<LogSink>> m_sinks;
};

// A component's view of the Logger. Copyable; must not outlive the Logger.
class Log {
 public:
  Log(Logger& logger, std::string component)
      : m_logger(&logger), m_component(std::move(component)) {}

  template <class... A>
  void debug(fmt::format_string<A...> f, A&&... a) const {
    emit(LogLevel::debug, f, std::forward<A>(a)...);
  }
  template <class... A>
  void info(fmt::format_string<A...> f, A&&... a) const {
    emit(LogLevel::info, f, std::forward<A>(a)...);
  }
  template <class... A>
  void warn(fmt::format_string<A...> f, A&&... a) const {
    emit(LogLevel::warn, f, std::forward<A>(a)...);
  }
  template <class... A>
  void error(fmt::format_string<A...> f, A&&... a) const {
    emit(LogLevel::error, f, std::forward<A>(a)...);
  }

  Log child(std::string_view name) const {
    return Log(*m_logger, m_component + "." + std::string(name));
  }

 private:
  template <class... A>
  void emit(LogLevel level, fmt::format_string<A...> f, A&&... a) const {
    if (!m_logger->enabled(level)) return;
    m_logger->write(level, m_component, fmt::format(f, std::forward<A>(a)...));
  }

  Logger* m_logger;
  std::string m_component;
};

}  // namespace shubbak
