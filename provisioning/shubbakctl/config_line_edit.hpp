// Setting one key of a kiosk.toml's text without touching anything else (`[technician]
// pin_hash`, the keys provisioning installs): the file is the technician's, with comments and a
// layout that a TOML serializer would lose, so the edit works on lines. An existing `key = ...`
// line in the table is replaced (its indentation and trailing comment kept); otherwise the key
// goes below a commented `# key = ...` example if the table has one, else right below the
// table's header; a file without the table gets it appended.
//
// The edit does not judge the TOML: the caller parses the result (parse_config) before writing
// it, which also catches what a line edit cannot see (a dotted `technician.pin_hash` key, a
// header inside a multi-line string).
#pragma once

#include <string>
#include <string_view>

namespace shubbak::provision {

// `literal` is the value as TOML writes it (a quoted string, a number).
std::string with_toml_key(std::string_view config_text, std::string_view table,
                          std::string_view key, std::string_view literal);
// Whether the table assigns the key on a line of its own (what with_toml_key would replace).
bool has_toml_key(std::string_view config_text, std::string_view table, std::string_view key);

// `encoded` is a hash_pin() string (no quotes or backslashes in it).
std::string with_pin_hash(std::string_view config_text, std::string_view encoded);

}  // namespace shubbak::provision
