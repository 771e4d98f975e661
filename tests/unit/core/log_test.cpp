#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "kiosk/core/log.hpp"

using namespace shubbak;

namespace {
struct Captured {
  std::vector<std::string> lines;
};
class CaptureSink final : public LogSink {
 public:
  explicit CaptureSink(Captured& out) : m_out(out) {}
  void write(const LogRecord& r) override {
    m_out.lines.push_back(fmt::format("{} {}: {}", to_string(r.level), r.component, r.message));
  }

 private:
  Captured& m_out;
};
}  // namespace

TEST_CASE("records below the threshold are dropped; the rest reach every sink") {
  Captured a, b;
  Logger logger(LogLevel::info);
  logger.add_sink(std::make_unique<CaptureSink>(a));
  logger.add_sink(std::make_unique<CaptureSink>(b));
  Log log(logger, "printer");
  log.debug("not shown {}", 1);
  log.info("job {} sent", 7);
  log.child("ipp").error("offline");
  CHECK(a.lines ==
        std::vector<std::string>{"info printer: job 7 sent", "error printer.ipp: offline"});
  CHECK(b.lines == a.lines);
  logger.set_threshold(LogLevel::debug);
  log.debug("now shown");
  CHECK(a.lines.back() == "debug printer: now shown");
}

TEST_CASE("logging from many threads loses and tears nothing") {
  Captured out;
  Logger logger(LogLevel::info);
  logger.add_sink(std::make_unique<CaptureSink>(out));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&logger, t] {
      Log log(logger, fmt::format("t{}", t));
      for (int i = 0; i < 500; ++i) log.info("line {}", i);
    });
  }
  for (auto& t : threads) t.join();
  CHECK(out.lines.size() == 2000);
}

TEST_CASE("log levels parse from their names only") {
  CHECK(parse_log_level("warn") == LogLevel::warn);
  CHECK_FALSE(parse_log_level("WARN").has_value());
  CHECK_FALSE(parse_log_level("verbose").has_value());
}
