#include "tests/integration/payments/money_matrix.hpp"

#include <csignal>
#include <cstdio>

#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "drivers/payment/simulated_terminal.hpp"
#include "kiosk/store/audit_log.hpp"
#include "kiosk/store/sqlite.hpp"
#include "tests/support/child_process.hpp"

namespace shubbak::testing {

namespace {

namespace fs = std::filesystem;

constexpr int k_citizens = 40;          // per run; a run ends sooner when it is killed
constexpr int k_rounds_per_kiosk = 12;  // a fresh data directory after this many rounds

void problem(MoneyMatrixResult& result, std::string what) {
  if (result.first_problem.empty()) result.first_problem = std::move(what);
}

// Restarts the kiosk (a child with no citizens: open, reconcile, stop) and checks the store
// against the terminal's ledger.
void restart_and_check(const fs::path& child, const fs::path& data, const fs::path& out,
                       MoneyMatrixResult& result) {
  ++result.checks;
  {
    ChildProcess restart({child.string(), data.string(), "0", "0"}, out);
    auto code = restart.wait(std::chrono::seconds(30));
    if (code != 0) {
      ++result.unresolved;
      problem(result,
              fmt::format("the restart failed ({}): {}", code ? std::to_string(*code) : "killed",
                          restart.stderr_text().substr(0, 400)));
      return;
    }
    std::istringstream lines(restart.stdout_text());
    std::string line;
    while (std::getline(lines, line)) {
      int settled = 0, reversed = 0, closed = 0, failed = 0;
      if (std::sscanf(line.c_str(), "reconciled %d %d %d %d", &settled, &reversed, &closed,
                      &failed) == 4) {
        result.reconciled += settled + reversed + closed + failed;
      }
    }
  }
  SimulatedTerminal terminal(std::chrono::milliseconds(0), data / "terminal.ledger");
  std::map<std::string, SimulatedTerminal::LedgerEntry> ledger;
  for (auto& entry : terminal.ledger()) ledger[entry.reference] = entry;

  auto db = sqlite::Database::open(data / "journal.db", SQLITE_OPEN_READONLY);
  if (!db) {
    ++result.integrity_failures;
    return problem(result, "cannot open the store: " + db.error().message);
  }
  if (auto ok = db->query_text("PRAGMA integrity_check"); !ok || *ok != "ok") {
    ++result.integrity_failures;
    problem(result, "integrity_check failed");
  }
  auto audit = db->prepare(
      "SELECT seq, wall_ms, boot_id, kind, detail, prev_hash, hash FROM audit ORDER BY seq");
  AuditChainVerifier verifier;
  while (audit && audit->step().value_or(false)) {
    verifier.add(AuditEntry{audit->column_int(0), audit->column_int(1), audit->column_text(2),
                            audit->column_text(3), audit->column_text(4), audit->column_text(5),
                            audit->column_text(6)});
  }
  if (verifier.report().broken) {
    ++result.integrity_failures;
    problem(result, "audit chain broken");
  }

  std::map<std::string, std::string> intent_state;  // reference -> state
  auto intents = db->prepare("SELECT reference, state FROM payment_intents");
  while (intents && intents->step().value_or(false))
    intent_state[intents->column_text(0)] = intents->column_text(1);
  for (const auto& [reference, state] : intent_state) {
    if (state == "open" || state == "reversing") {
      ++result.unresolved;
      problem(result, fmt::format("payment {} still {} after a clean restart", reference, state));
    }
  }

  // The stored transactions, by payment reference and by citizen.
  std::map<std::string, int> stored_for_reference;
  std::map<std::string, int> stored_for_citizen;
  std::set<std::string> stored_references;
  auto journal = db->prepare(
      "SELECT json_extract(record, '$.payment_reference'), json_extract(record, "
      "'$.amount.minor_units'), "
      "json_extract(record, '$.fields.citizen') FROM journal");
  while (journal && journal->step().value_or(false)) {
    std::string reference = journal->column_text(0);
    std::int64_t amount = journal->column_int(1);
    std::string citizen = journal->column_text(2);
    ++result.stored;
    stored_references.insert(reference);
    if (++stored_for_reference[reference] > 1 || ++stored_for_citizen[citizen] > 1) {
      ++result.double_charged;
      problem(result,
              fmt::format("two transactions for payment {} / citizen {}", reference, citizen));
    }
    auto charged = ledger.find(reference);
    if (charged == ledger.end() || charged->second.status != PaymentStatus::approved) {
      bool reversed = charged != ledger.end() && charged->second.status == PaymentStatus::reversed;
      ++(reversed ? result.taken_and_reversed : result.stored_unpaid);
      problem(result,
              fmt::format(
                  "stored transaction for payment {} but the terminal says {}", reference,
                  charged == ledger.end() ? "never charged" : to_string(charged->second.status)));
      continue;
    }
    if (charged->second.amount.minor_units != amount) {
      ++result.stored_unpaid;
      problem(result, fmt::format("payment {}: charged {}, stored {}", reference,
                                  charged->second.amount.minor_units, amount));
    }
    if (intent_state[reference] != "settled") {
      ++result.stored_unpaid;
      problem(result,
              fmt::format("stored transaction for payment {} whose intent is {}", reference,
                          intent_state[reference].empty() ? "missing" : intent_state[reference]));
    }
  }
  for (const auto& [reference, entry] : ledger) {
    if (entry.status == PaymentStatus::reversed) ++result.reversed;
    if (entry.status != PaymentStatus::approved) continue;
    ++result.charged;
    if (!stored_references.contains(reference)) {
      ++result.charged_unstored;
      problem(result, fmt::format("payment {} charged without a stored transaction", reference));
    }
  }
}

}  // namespace

MoneyMatrixResult run_money_matrix(const fs::path& child, const fs::path& work_dir, int rounds,
                                   std::uint64_t seed) {
  MoneyMatrixResult result;
  std::mt19937_64 random(seed);
  std::uniform_int_distribution<int> nth(1, 3);
  std::uniform_int_distribution<int> coin(0, 1);
  std::uniform_int_distribution<int> delay_us(0, 25'000);
  fs::path out = work_dir / "child";
  fs::create_directories(out);
  fs::path data;
  bool checked = true;
  for (int round = 0; round < rounds; ++round) {
    if (round % k_rounds_per_kiosk == 0) {
      if (!data.empty() && !checked) restart_and_check(child, data, out, result);
      data = work_dir / fmt::format("kiosk-{}", round / k_rounds_per_kiosk);
      fs::create_directories(data);
    }
    // Every point in turn, and one round in four killed at a random moment instead (inside a
    // commit, a ledger write, an fsync...).
    std::size_t slot = static_cast<std::size_t>(round) % (k_money_points.size() + 3);
    bool timed = slot >= k_money_points.size();
    std::string point = timed ? "random" : std::string(k_money_points[slot]);
    std::vector<std::string> argv = {child.string(), data.string(), std::to_string(random()),
                                     std::to_string(k_citizens)};
    if (!timed) {
      argv.push_back(point);
      // Refunds are rarer than payments: die at their first one.
      argv.push_back(std::to_string(
          point.find("reverse") != std::string::npos || point == "refunded" ? 1 : nth(random)));
    }
    bool killed = false;
    {
      ChildProcess run(argv, out);
      if (timed) {
        for (int i = 0; i < 20'000 && run.stdout_text().find("ready") == std::string::npos; ++i) {
          std::this_thread::sleep_for(std::chrono::microseconds(250));
        }
        std::this_thread::sleep_for(std::chrono::microseconds(delay_us(random)));
        run.signal(SIGKILL);
      }
      auto code = run.wait(std::chrono::seconds(30));
      std::string said = run.stdout_text();
      killed = !code && said.find("done") == std::string::npos;
      if (code && *code != 0) {
        ++result.unresolved;
        problem(result, fmt::format("round {}: the kiosk failed ({}): {}", round, *code,
                                    run.stderr_text().substr(0, 400)));
      }
    }
    ++result.rounds;
    if (killed) {
      ++result.kills;
      ++result.kills_at[point];
    }
    // Half the time the next round's kiosk finds what this one left (and may die reconciling
    // it); otherwise restart, reconcile and check now.
    checked = coin(random) == 0;
    if (checked) restart_and_check(child, data, out, result);
  }
  if (!data.empty() && !checked) restart_and_check(child, data, out, result);
  return result;
}

}  // namespace shubbak::testing
