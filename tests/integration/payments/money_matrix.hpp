// The crash matrix for the money, shared by the CI test and the benchmark: a real child process
// (money_crash_child) runs the pay -> store -> print path of a kiosk and is SIGKILLed before,
// between and after each durable step (at named points, and at random moments), round after
// round; then a restarted child reconciles, and the files are checked from the outside against
// the simulated terminal's own ledger.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

namespace shubbak::testing {

// Where the child kills itself, in the order a citizen meets them.
inline constexpr std::array<std::string_view, 10> k_money_points = {
    "preflight",                // nothing durable yet
    "terminal_before_pay",      // intent written, terminal not asked
    "terminal_after_pay",       // terminal charged, its answer not written
    "paid",                     // answer written
    "committed",                // transaction stored, its intent settled in the same commit
    "journaled",                // receipt journaled
    "printed",                  // receipt printed and marked
    "terminal_before_reverse",  // refund or reconciliation: claimed, not reversed
    "terminal_after_reverse",   // reversed at the terminal, intent not ended
    "refunded",                 // refund done
};

struct MoneyMatrixResult {
  int rounds = 0;
  int kills = 0;                        // rounds whose child died of SIGKILL
  std::map<std::string, int> kills_at;  // by point; "random" for the timed kills
  int checks = 0;                       // restart + reconciliation + check, done
  std::int64_t stored = 0;              // paid transactions stored, over all databases
  std::int64_t charged = 0;             // approved at the terminal and never reversed
  std::int64_t reversed = 0;            // reversed at the terminal
  std::int64_t reconciled = 0;          // intents the restarts decided
  // The four things that must never happen, and the reconciliation's own promise.
  int taken_and_reversed = 0;  // a stored transaction whose payment was reversed
  int charged_unstored = 0;    // a charge without a stored transaction
  int double_charged = 0;  // a citizen charged more than once, or two transactions for one payment
  int stored_unpaid = 0;   // a stored transaction whose payment is not an approved, settled one
  int unresolved = 0;      // intents still open after a clean restart, or a restart that failed
  int integrity_failures = 0;  // integrity_check or the audit chain
  std::string first_problem;
};

MoneyMatrixResult run_money_matrix(const std::filesystem::path& child,
                                   const std::filesystem::path& work_dir, int rounds,
                                   std::uint64_t seed);

}  // namespace shubbak::testing
