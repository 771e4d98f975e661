#include "tests/integration/service/unit_file.hpp"

#include <cctype>
#include <fstream>
#include <sstream>
#include <string>

namespace shubbak::testing {

namespace {
std::string trim(const std::string& text) {
  auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}
}  // namespace

UnitFile UnitFile::read(const std::filesystem::path& path) {
  UnitFile unit;
  std::ifstream in(path);
  std::string section;
  for (std::string line; std::getline(in, line);) {
    line = trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      section = line.substr(1, line.size() - 2);
      continue;
    }
    auto equals = line.find('=');
    if (equals == std::string::npos) continue;
    unit.m_entries[{section, trim(line.substr(0, equals))}].push_back(
        trim(line.substr(equals + 1)));
  }
  return unit;
}

bool UnitFile::has(const std::string& section, const std::string& key) const {
  return m_entries.contains({section, key});
}

std::vector<std::string> UnitFile::values(const std::string& section,
                                          const std::string& key) const {
  auto found = m_entries.find({section, key});
  return found == m_entries.end() ? std::vector<std::string>{} : found->second;
}

std::string UnitFile::value(const std::string& section, const std::string& key) const {
  auto all = values(section, key);
  return all.empty() ? "<unset>" : all.back();
}

long long parse_timespan_ms(const std::string& text) {
  std::istringstream in(text);
  long long total = 0;
  bool any = false;
  for (std::string part; in >> part;) {
    std::size_t digits = 0;
    while (digits < part.size() && std::isdigit(static_cast<unsigned char>(part[digits]))) ++digits;
    if (digits == 0) return -1;
    long long number = std::stoll(part.substr(0, digits));
    std::string unit = part.substr(digits);
    if (unit.empty() || unit == "s" || unit == "sec") {
      total += number * 1000;
    } else if (unit == "ms" || unit == "msec") {
      total += number;
    } else if (unit == "min" || unit == "m") {
      total += number * 60000;
    } else {
      return -1;
    }
    any = true;
  }
  return any ? total : -1;
}

}  // namespace shubbak::testing
