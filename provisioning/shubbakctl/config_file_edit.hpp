// Changing keys of an installed kiosk.toml the way a technician would by hand: every other line,
// comment, the file's mode and owner kept (config_line_edit.hpp), the result checked to load
// with the new values before it replaces the old file atomically. Used by `kiosk set-pin` and by
// `kiosk provision` on a kiosk that is already configured.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "kiosk/core/config.hpp"
#include "kiosk/core/error.hpp"

namespace shubbak::provision {

struct ConfigKeyEdit {
  std::string table;    // "portal"
  std::string key;      // "url"
  std::string literal;  // as TOML writes the value: "\"https://portal.example\""
};

struct ConfigEditOptions {
  // Copies the old file to PATH.before-CHANGE (e.g. kiosk.toml.before-provision) first.
  std::string backup_suffix;
  // What the edited file must say once loaded; a mismatch means a line edit could not express
  // the change (a dotted key, an inline table), and nothing is written.
  std::function<Expected<void>(const Config&)> verify;
};

// Refuses a file the kiosk already refuses (fix it first, by hand: an edit would hide it).
// A symlinked kiosk.toml is edited where it really lives, and stays a symlink.
Expected<void> edit_config_file(const std::filesystem::path& path,
                                const std::vector<ConfigKeyEdit>& edits,
                                const ConfigEditOptions& options);

// The configuration as it is now, for a caller that compares before editing.
Expected<Config> load_config_text(const std::filesystem::path& path, std::string* text);

}  // namespace shubbak::provision
