// A bundle's `version` (FORMAT.md: MAJOR.MINOR.PATCH, each a decimal without leading zeros) as
// something to compare: the kiosk keeps the higher of two bundles with one id, and the
// repository tools refuse a version that is not above the published one.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace shubbak::workflow {

using BundleVersion = std::array<std::uint64_t, 3>;  // compares as MAJOR, then MINOR, then PATCH

// nullopt when `text` is not MAJOR.MINOR.PATCH or a part is over 2^64 - 1.
std::optional<BundleVersion> parse_bundle_version(std::string_view text);

}  // namespace shubbak::workflow
