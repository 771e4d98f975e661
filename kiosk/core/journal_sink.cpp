// The systemd journal backend of LogSink; the only file that includes sd-journal.
#include <sys/stat.h>

#include <systemd/sd-journal.h>

#include "kiosk/core/log.hpp"

namespace shubbak {

namespace {

int syslog_priority(LogLevel level) {
  switch (level) {
    case LogLevel::debug:
      return 7;
    case LogLevel::info:
      return 6;
    case LogLevel::warn:
      return 4;
    case LogLevel::error:
      return 3;
  }
  return 6;
}

class JournalSink final : public LogSink {
 public:
  void write(const LogRecord& record) override {
    // Fields are length-delimited with %.*s: messages are string_views, not C strings.
    sd_journal_send("MESSAGE=%.*s", static_cast<int>(record.message.size()), record.message.data(),
                    "PRIORITY=%i", syslog_priority(record.level), "SYSLOG_IDENTIFIER=shubbak",
                    "SHUBBAK_COMPONENT=%.*s", static_cast<int>(record.component.size()),
                    record.component.data(), nullptr);
  }
};

}  // namespace

bool journal_available() {
  struct stat info {};
  return ::stat("/run/systemd/journal/socket", &info) == 0 && S_ISSOCK(info.st_mode);
}

std::unique_ptr<LogSink> make_journal_sink() {
  return std::make_unique<JournalSink>();
}

}  // namespace shubbak
