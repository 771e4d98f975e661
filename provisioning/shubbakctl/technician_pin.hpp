// `shubbakctl kiosk set-pin`: sets the technician mode's PIN. The PIN is read twice from stdin
// (without echo on a terminal; plain lines from a pipe, for scripts and tests), checked against
// the PIN rules (6 to 12 digits), and hashed with scrypt and a fresh salt (pin_hash.hpp). Then
// either the `pin_hash = "..."` line is printed, or the key is set in a kiosk.toml in place
// (config_line_edit.hpp), atomically and keeping the file's mode and owner. The PIN itself is
// never printed, logged or stored, and is wiped from memory after hashing.
#pragma once

#include <cstdio>
#include <filesystem>
#include <optional>

namespace shubbak::provision {

struct SetPinOptions {
  std::optional<std::filesystem::path> config_path;  // none: print the line instead
};

// Exit codes of `kiosk set-pin`.
inline constexpr int k_pin_set = 0;
inline constexpr int k_pin_refused = 1;     // the PINs differ, break the rules, or are missing
inline constexpr int k_pin_file_error = 2;  // the file cannot be read, parsed or replaced

// Reads from stdin; the result goes to `out`, prompts and reasons to `err`.
int set_technician_pin(const SetPinOptions& options, std::FILE* out, std::FILE* err);

}  // namespace shubbak::provision
