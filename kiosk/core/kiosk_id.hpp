// The kiosk id: one rule for every place an id comes from (kiosk.toml, `shubbakctl kiosk
// provision`, a receipt seal, and on the portal a client certificate's CN, a request body or an
// enrolment token). 1 to 64 characters of A-Z, a-z, 0-9, '-', '_' and '.', the first a letter
// or a digit: safe in a file name, a URL path segment, SQL text, a log line and a certificate
// subject, and never "." or "..".
#pragma once

#include <cstddef>
#include <string_view>

#include "kiosk/core/error.hpp"

namespace shubbak {

inline constexpr std::size_t k_max_kiosk_id = 64;

constexpr bool is_valid_kiosk_id(std::string_view id) {
  if (id.empty() || id.size() > k_max_kiosk_id) return false;
  auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  if (!alnum(id.front())) return false;
  for (char c : id) {
    if (!alnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

// The rule in words, for error messages.
inline constexpr std::string_view k_kiosk_id_rule =
    "1 to 64 characters of A-Z, a-z, 0-9, '-', '_' or '.', starting with a letter or digit";

// Errc::invalid_argument naming `what` (e.g. "the client certificate's CN") and the rule; the
// refused value itself is not repeated, since it may be anything.
inline Expected<void> check_kiosk_id(std::string_view id, std::string_view what = "kiosk id") {
  if (is_valid_kiosk_id(id)) return {};
  std::string message(what);
  message += " is not a valid kiosk id (";
  message += k_kiosk_id_rule;
  message += ")";
  return fail(Errc::invalid_argument, std::move(message));
}

}  // namespace shubbak
