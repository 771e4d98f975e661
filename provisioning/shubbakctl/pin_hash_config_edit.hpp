// Setting `[technician] pin_hash` in a kiosk.toml's text without touching anything else: the
// file is the technician's, with comments and a layout that a TOML serializer would lose, so the
// edit works on lines. An existing `pin_hash = ...` line in [technician] is replaced (its
// indentation and trailing comment kept); otherwise the key goes below the commented
// `# pin_hash = ...` example if the section has one, else right below the section header; a
// file without [technician] gets the section appended.
//
// The edit does not judge the TOML: the caller parses the result (parse_config) before writing
// it, which also catches what a line edit cannot see (a dotted `technician.pin_hash` key, a
// header inside a multi-line string).
#pragma once

#include <string>
#include <string_view>

namespace shubbak::provision {

// `encoded` is a hash_pin() string (no quotes or backslashes in it).
std::string with_pin_hash(std::string_view config_text, std::string_view encoded);

}  // namespace shubbak::provision
