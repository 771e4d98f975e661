// `shubbakctl kiosk accept-new-journal`: the technician's decision after a kiosk lost its
// journal. A kiosk whose journal.db is missing or empty (while the marks beside it say it has
// used one) stays out of service and never makes a new journal by itself; this command makes
// it, continuing the sequence after the highest number the kiosk ever reserved (or after
// --continue-after, e.g. the portal's last sequence for this kiosk, whichever is higher), and
// records the decision and its reason in the new journal's audit log. Run it with the kiosk
// stopped; what was moved aside (journal.db.corrupt-*) is kept.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>

namespace shubbak::provision {

struct AcceptJournalOptions {
  std::filesystem::path config_path;              // the kiosk's kiosk.toml (data dir, kiosk id)
  std::optional<std::filesystem::path> data_dir;  // overrides the configuration's
  std::string reason;                             // why; goes into the audit log
  std::int64_t continue_after = 0;
};

// Exit codes: 0 accepted, 1 refused (a journal is there, no device key, ...), 2 bad input.
int accept_new_journal(const AcceptJournalOptions& options, std::FILE* out, std::FILE* err);

}  // namespace shubbak::provision
