// A LogSink that keeps every line in memory, so a test can assert on what was (not) logged.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "kiosk/core/log.hpp"

namespace shubbak::testing {

class MemoryLogSink final : public LogSink {
 public:
  struct Lines {
    std::mutex mutex;
    std::vector<std::string> lines;
  };

  explicit MemoryLogSink(std::shared_ptr<Lines> lines) : m_lines(std::move(lines)) {}
  void write(const LogRecord& record) override {
    std::lock_guard lock(m_lines->mutex);
    m_lines->lines.push_back(std::string(to_string(record.level)) + " " +
                             std::string(record.component) + ": " + std::string(record.message));
  }

 private:
  std::shared_ptr<Lines> m_lines;
};

// A Logger at debug level writing into memory; `contains` searches every line.
class CapturedLog {
 public:
  CapturedLog() : m_logger(LogLevel::debug) {
    m_logger.add_sink(std::make_unique<MemoryLogSink>(m_lines));
  }
  Log log(std::string component) { return Log(m_logger, std::move(component)); }
  bool contains(std::string_view needle) const {
    std::lock_guard lock(m_lines->mutex);
    for (const auto& line : m_lines->lines) {
      if (line.find(needle) != std::string::npos) return true;
    }
    return false;
  }
  std::string all() const {
    std::lock_guard lock(m_lines->mutex);
    std::string out;
    for (const auto& line : m_lines->lines) out += line + "\n";
    return out;
  }

 private:
  std::shared_ptr<MemoryLogSink::Lines> m_lines = std::make_shared<MemoryLogSink::Lines>();
  Logger m_logger;
};

}  // namespace shubbak::testing
