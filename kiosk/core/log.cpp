#include "kiosk/core/log.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace shubbak {

std::string_view to_string(LogLevel level) {
  switch (level) {
    case LogLevel::debug:
      return "debug";
    case LogLevel::info:
      return "info";
    case LogLevel::warn:
      return "warn";
    case LogLevel::error:
      return "error";
  }
  return "info";
}

std::optional<LogLevel> parse_log_level(std::string_view text) {
  for (LogLevel level : {LogLevel::debug, LogLevel::info, LogLevel::warn, LogLevel::error}) {
    if (text == to_string(level)) return level;
  }
  return std::nullopt;
}

namespace {

class StderrSink final : public LogSink {
 public:
  void write(const LogRecord& record) override {
    using namespace std::chrono;
    auto now = system_clock::now();
    std::time_t seconds = system_clock::to_time_t(now);
    auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &utc);
    fmt::print(stderr, "{}.{:03}Z {:<5} {}: {}\n", stamp, millis, to_string(record.level),
               record.component, record.message);
    std::fflush(stderr);
  }
};

}  // namespace

std::unique_ptr<LogSink> make_stderr_sink() {
  return std::make_unique<StderrSink>();
}

Logger::Logger(LogLevel threshold) : m_threshold(threshold) {}

void Logger::add_sink(std::unique_ptr<LogSink> sink) {
  std::lock_guard lock(m_mutex);
  m_sinks.push_back(std::move(sink));
}

void Logger::set_threshold(LogLevel threshold) {
  m_threshold = threshold;
}

void Logger::write(LogLevel level, std::string_view component, std::string_view message) {
  if (!enabled(level)) return;
  std::lock_guard lock(m_mutex);
  for (auto& sink : m_sinks) sink->write(LogRecord{level, component, message});
}

}  // namespace shubbak
