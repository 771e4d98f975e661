// Strict JSON for every document that comes from outside the kiosk (service bundles, TUF
// metadata, the portal's request bodies): nlohmann's parser drives a SAX handler that refuses
// what a plain parse would silently accept or resolve.
//
//   - a duplicate object key (a reviewer would read one value and the program use another);
//   - an integer outside -2^63 .. 2^64-1 (kept exactly: int64 when negative, uint64 otherwise;
//     a plain parse would turn it into a rounded double), and, unless `allow_fractions`, any
//     number with a fraction or an exponent;
//   - invalid UTF-8, lone surrogates, U+0000 in a string or key;
//   - anything over the limits: total bytes, nesting depth, string and key length, array items,
//     object members, values in the document.
//
// Every refusal names the JSON path where it happened, in the form FORMAT.md uses:
// `$.steps[3].id: duplicate key "id"`; a key that is not an identifier is written
// `$.targets["services/a.json"]`.
//
// Usage:
//   JsonLimits limits;                 // or a module's own, e.g. workflow::k_bundle_json_limits
//   limits.max_bytes = 64 * 1024;
//   auto document = parse_strict_json(body, limits);     // Errc::parse, "$.a[2]: ..."
//   if (!document) return std::unexpected(document.error());
//   auto count = json_integer<std::uint32_t>((*document)["count"], "$.count");  // never truncates
//
// A caller that wants the path apart from the reason (to list it with its own errors) uses
// read_strict_json. Thread-safe: no shared state.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "kiosk/core/error.hpp"

namespace shubbak {

struct JsonLimits {
  std::size_t max_bytes = 1 << 20;
  std::size_t max_depth = 64;                // nested arrays and objects; the root is depth 1
  std::size_t max_string_bytes = 64 * 1024;  // each string value, after unescaping
  std::size_t max_key_bytes = 256;           // each object key, after unescaping
  std::size_t max_array_items = 10'000;      // in each array
  std::size_t max_object_members = 10'000;   // in each object
  std::size_t max_values = 200'000;          // in the whole document, containers included
  bool allow_fractions = false;              // numbers with '.', 'e' or 'E'
};

// Where and why a document was refused.
struct JsonProblem {
  std::string path;    // "$.steps[3].id"
  std::string reason;  // "duplicate key \"id\""
  std::string describe() const { return path + ": " + reason; }
};

std::expected<nlohmann::json, JsonProblem> read_strict_json(std::string_view bytes,
                                                            const JsonLimits& limits);

// The same, with the problem as Error{Errc::parse, "PATH: REASON"}.
Expected<nlohmann::json> parse_strict_json(std::string_view bytes, const JsonLimits& limits);

// `path` extended by an object key or an array index, in the form the problems use.
std::string json_path_key(std::string_view path, std::string_view key);
std::string json_path_index(std::string_view path, std::size_t index);

// The integer at `value` when it is one and lies in [min, max] (by default T's whole range);
// otherwise Errc::parse naming `path` and the accepted range. Never truncates or wraps.
template <std::integral T>
Expected<T> json_integer(const nlohmann::json& value, std::string_view path,
                         T min = std::numeric_limits<T>::min(),
                         T max = std::numeric_limits<T>::max()) {
  auto refuse = [&](std::string_view got) {
    return fail(Errc::parse,
                fmt::format("{}: expected an integer from {} to {}, got {}", path, min, max, got));
  };
  if (!value.is_number_integer()) return refuse(value.type_name());
  if (value.is_number_unsigned()) {
    auto u = value.get<std::uint64_t>();
    if (!std::in_range<T>(u) || static_cast<T>(u) < min || static_cast<T>(u) > max) {
      return refuse(std::to_string(u));
    }
    return static_cast<T>(u);
  }
  auto s = value.get<std::int64_t>();
  if (!std::in_range<T>(s) || static_cast<T>(s) < min || static_cast<T>(s) > max) {
    return refuse(std::to_string(s));
  }
  return static_cast<T>(s);
}

}  // namespace shubbak
