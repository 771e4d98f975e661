// OLPC canonical JSON, the exact byte form TUF repositories sign: object keys sorted by their
// UTF-8 bytes, no insignificant whitespace, integers only (a float is refused), and strings
// written raw with only '"' and '\' escaped. Signatures are verified over these bytes, so a
// single differing byte here makes every signature from real TUF tooling fail.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "kiosk/core/error.hpp"

namespace shubbak::trust {

// Values nested deeper than this are refused (Errc::parse), never written.
inline constexpr int k_max_canonical_depth = 128;

Expected<std::string> canonical_json(const nlohmann::json& value);

}  // namespace shubbak::trust
