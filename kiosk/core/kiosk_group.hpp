// A kiosk group: a name an admin gives a set of kiosks (a site, a region, a pilot…), assigned by
// the portal at enrolment and bound in the kiosk's client certificate, one subject
// organizationalUnitName per group. One rule for every place a group name comes from (an
// enrolment token, the console, a certificate, a rollout's target list): 1 to 63 characters of
// a-z, 0-9, '.', '_', ':' and '-', the first a letter or a digit. Lower case only, so that
// "Pilot" and "pilot" are never two groups; ':' lets a name say its kind ("site:riyadh-olaya").
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "kiosk/core/error.hpp"

namespace shubbak {

inline constexpr std::size_t k_max_group_name = 63;
// More groups than any real fleet needs, few enough that a certificate stays small.
inline constexpr std::size_t k_max_groups = 16;

constexpr bool is_valid_group_name(std::string_view name) {
  if (name.empty() || name.size() > k_max_group_name) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(name.front())) return false;
  for (char c : name) {
    if (!alnum(c) && c != '.' && c != '_' && c != ':' && c != '-') return false;
  }
  return true;
}

// The certificate policy the portal's kiosk CA puts in every certificate whose subject it wrote
// itself, groups included. Only a certificate that carries it has its OUs read as groups: a
// certificate issued before groups were bound (when a CA copied the request's subject, OUs and
// all) puts its kiosk in no group. An OID under 2.25 (ITU-T X.667), minted from a random UUID,
// needs no registration.
inline constexpr std::string_view k_group_binding_policy =
    "2.25.140451630471840258435115725119141619992";

// The rule in words, for error messages.
inline constexpr std::string_view k_group_name_rule =
    "1 to 63 characters of a-z, 0-9, '.', '_', ':' or '-', starting with a letter or digit";

// Errc::invalid_argument when a name breaks the rule (the message gives its position, and the
// name itself only when it is short printable ASCII), a name repeats, or there are more than
// k_max_groups.
Expected<void> check_group_names(std::span<const std::string> names);

}  // namespace shubbak
