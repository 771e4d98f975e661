// A systemd unit file (or a drop-in such as logind.conf.d/*.conf) read as systemd reads it,
// for tests: [Section] headers, Key=Value lines, comments and blank lines skipped; a key may
// repeat, and its values accumulate in order.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace shubbak::testing {

class UnitFile {
 public:
  static UnitFile read(const std::filesystem::path& path);

  bool has(const std::string& section, const std::string& key) const;
  // Every value given to `key`, in order; empty if none.
  std::vector<std::string> values(const std::string& section, const std::string& key) const;
  // The last value (what systemd uses for single-valued keys); "<unset>" if none.
  std::string value(const std::string& section, const std::string& key) const;

 private:
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> m_entries;
};

// A systemd time span such as "10s", "1min 30s", "500ms" or "2" (seconds), in milliseconds;
// -1 if it does not parse.
long long parse_timespan_ms(const std::string& text);

}  // namespace shubbak::testing
