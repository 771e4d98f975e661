#include "kiosk/core/kiosk_group.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace shubbak {
namespace {

bool quotable(std::string_view name) {
  return name.size() <= k_max_group_name &&
         std::all_of(name.begin(), name.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

}  // namespace

Expected<void> check_group_names(std::span<const std::string> names) {
  if (names.size() > k_max_groups)
    return fail(Errc::invalid_argument, fmt::format("{} groups given; a kiosk is in at most {}",
                                                    names.size(), k_max_groups));
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string& name = names[i];
    if (!is_valid_group_name(name)) {
      std::string shown = quotable(name) ? fmt::format(" (\"{}\")", name) : std::string();
      return fail(Errc::invalid_argument, fmt::format("group {}{} is not a valid group name ({})",
                                                      i + 1, shown, k_group_name_rule));
    }
    if (std::find(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(i), name) !=
        names.begin() + static_cast<std::ptrdiff_t>(i))
      return fail(Errc::invalid_argument, fmt::format("group \"{}\" is given twice", name));
  }
  return {};
}

}  // namespace shubbak
