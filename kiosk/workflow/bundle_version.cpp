#include "kiosk/workflow/bundle_version.hpp"

#include <charconv>

namespace shubbak::workflow {

std::optional<BundleVersion> parse_bundle_version(std::string_view text) {
  BundleVersion version{};
  for (std::size_t part = 0; part < version.size(); ++part) {
    if (part > 0) {
      if (text.empty() || text.front() != '.') return std::nullopt;
      text.remove_prefix(1);
    }
    std::size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
    if (digits == 0 || (digits > 1 && text.front() == '0')) return std::nullopt;
    auto [end, ec] = std::from_chars(text.data(), text.data() + digits, version[part]);
    if (ec != std::errc{}) return std::nullopt;
    text.remove_prefix(digits);
  }
  if (!text.empty()) return std::nullopt;
  return version;
}

}  // namespace shubbak::workflow
