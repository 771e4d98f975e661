// The crash matrix for the money in CI: at least 200 SIGKILLs of a real kiosk-side process on
// the pay -> store -> print path, before, between and after every durable step. After each
// restart and reconciliation, checked against the simulated terminal's own ledger: no payment
// both taken and reversed for a stored transaction, no charge without a stored transaction, no
// double charge, no stored transaction unpaid.
#include <doctest/doctest.h>

#include <random>

#include "tests/integration/payments/money_matrix.hpp"
#include "tests/support/temp_dir.hpp"

using namespace shubbak::testing;

TEST_CASE("the money survives 200 SIGKILLs at every durable step of pay, store and print") {
  TempDir dir;
  std::uint64_t seed = std::random_device{}();
  INFO("seed ", seed);
  auto result = run_money_matrix(SHUBBAK_MONEY_CHILD, dir.path(), 230, seed);
  INFO("first problem: ", result.first_problem);
  std::string points;
  for (const auto& [point, n] : result.kills_at) points += " " + point + "=" + std::to_string(n);
  MESSAGE("rounds ", result.rounds, ", SIGKILLs ", result.kills, " (", points,
          "), restarts checked ", result.checks, ", intents reconciled ", result.reconciled,
          ", stored ", result.stored, ", charges standing ", result.charged, ", reversed ",
          result.reversed);
  CHECK(result.taken_and_reversed == 0);
  CHECK(result.charged_unstored == 0);
  CHECK(result.double_charged == 0);
  CHECK(result.stored_unpaid == 0);
  CHECK(result.unresolved == 0);
  CHECK(result.integrity_failures == 0);
  // The matrix must really have killed, at every point, and really moved money.
  CHECK(result.kills >= 200);
  for (auto point : k_money_points) {
    INFO("point ", point);
    CHECK(result.kills_at[std::string(point)] > 0);
  }
  CHECK(result.kills_at["random"] > 0);
  CHECK(result.stored > 0);
  CHECK(result.reversed > 0);
  CHECK(result.reconciled > 0);
}
