// The crash sweep shared by the CI test and the benchmark: a real child process (store_tool)
// commits transactions to a real SQLite store and is SIGKILLed at a random moment, round after
// round; after each kill the file is checked from the outside.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace shubbak::testing {

struct KillSweepResult {
  int rounds = 0;
  std::int64_t reported = 0;  // transactions the children said were committed
  std::int64_t stored = 0;    // journal rows found over all databases at the end
  std::int64_t lost = 0;      // reported but missing
  std::int64_t partial = 0;   // journal rows without their outbox row or audit entry, or vice versa
  int integrity_failures = 0;         // PRAGMA integrity_check not ok, or the audit chain broken
  int kills_before_first_commit = 0;  // e.g. while the child opened or recovered the store
  int kills_amid_commits = 0;         // after more than one commit had been reported
  std::string first_problem;          // the first thing that went wrong, for the failure message
};

// `rounds` kills of `tool` (the store_tool binary) under `work_dir`; a fresh database every
// `rounds_per_database` rounds keeps each check fast. One round in five is killed 0 to 15 ms
// after spawn; the others 0 to `max_delay_us` after the child's first reported commit.
KillSweepResult run_kill_sweep(const std::filesystem::path& tool,
                               const std::filesystem::path& work_dir, int rounds,
                               int rounds_per_database, int max_delay_us, std::uint64_t seed);

}  // namespace shubbak::testing
