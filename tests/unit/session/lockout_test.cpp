// The technician lockout: five failures lock, the lock holds even for the right PIN, it expires
// after its period on an injected clock, survives a reopen, and a wall-clock jump does not
// shorten it while the kiosk has not rebooted.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "kiosk/crypto/pin_hash.hpp"
#include "kiosk/session/technician_access.hpp"
#include "kiosk/session/technician_lockout.hpp"
#include "tests/support/temp_dir.hpp"

using namespace shubbak;
using namespace std::chrono_literals;

namespace {

struct FakeClock {
  std::shared_ptr<std::atomic<std::int64_t>> wall =
      std::make_shared<std::atomic<std::int64_t>>(1'700'000'000'000);
  std::shared_ptr<std::atomic<std::int64_t>> boot =
      std::make_shared<std::atomic<std::int64_t>>(50'000);
  std::shared_ptr<std::string> boot_id = std::make_shared<std::string>("boot-1");
  LockoutClock clock() const {
    return {[w = wall] { return w->load(); }, [b = boot] { return b->load(); },
            [id = boot_id] { return *id; }};
  }
  void advance(std::chrono::milliseconds by) {
    *wall += by.count();
    *boot += by.count();
  }
};

constexpr std::int64_t k_minute = 60'000;

}  // namespace

TEST_CASE("five failures lock for the period, and the lock survives a reopen") {
  testing::TempDir dir;
  Logger logger(LogLevel::error);
  FakeClock clock;
  auto file = dir / "technician" / "lockout.json";
  auto lockout = TechnicianLockout::open(file, {}, clock.clock(), Log(logger, "t"));
  for (int i = 1; i <= 4; ++i) {
    CHECK(lockout.record_failure() == false);
    CHECK_FALSE(lockout.locked_for());
  }
  CHECK(lockout.record_failure() == true);
  REQUIRE(lockout.locked_for());
  CHECK(*lockout.locked_for() == 30min);

  clock.advance(10min);
  auto reopened = TechnicianLockout::open(file, {}, clock.clock(), Log(logger, "t"));
  REQUIRE(reopened.locked_for());
  CHECK(*reopened.locked_for() == 20min);

  clock.advance(20min);
  CHECK_FALSE(reopened.locked_for());
  CHECK(reopened.consecutive_failures() == 0);
  // Expired and saved as open: a third instance agrees.
  CHECK_FALSE(TechnicianLockout::open(file, {}, clock.clock(), Log(logger, "t")).locked_for());
}

TEST_CASE("a success resets the count; the wall clock cannot shorten a lock on the same boot") {
  testing::TempDir dir;
  Logger logger(LogLevel::error);
  FakeClock clock;
  auto lockout =
      TechnicianLockout::open(dir / "l.json", {3, 5min}, clock.clock(), Log(logger, "t"));
  CHECK(lockout.record_failure() == false);
  CHECK(lockout.record_failure() == false);
  CHECK(lockout.record_success());
  CHECK(lockout.consecutive_failures() == 0);
  CHECK(lockout.record_failure() == false);
  CHECK(lockout.record_failure() == false);
  CHECK(lockout.record_failure() == true);
  *clock.wall += 24 * 60 * k_minute;  // someone sets the wall clock a day ahead
  REQUIRE(lockout.locked_for());
  CHECK(*lockout.locked_for() == 5min);
  *clock.wall -= 48 * 60 * k_minute;  // or two days back: it does not grow either
  CHECK(*lockout.locked_for() == 5min);

  // After a reboot only the wall clock spans the gap; set back, the lock lasts its full period.
  *clock.boot_id = "boot-2";
  *clock.boot = 1000;
  REQUIRE(lockout.locked_for());
  CHECK(*lockout.locked_for() == 5min);
}

TEST_CASE("a damaged lockout file locks rather than forgets") {
  testing::TempDir dir;
  Logger logger(LogLevel::error);
  FakeClock clock;
  auto file = dir.write("lockout.json", "{not json");
  auto lockout = TechnicianLockout::open(file, {}, clock.clock(), Log(logger, "t"));
  CHECK(lockout.locked_for());
}

namespace {

PinAttempt attempt(EventLoop& loop, TechnicianAccess& access, std::string pin) {
  std::optional<PinAttempt> result;
  access.attempt(std::move(pin), [&](PinAttempt r) {
    result = r;
    loop.quit(0);
  });
  auto guard = loop.add_timer(10s, [&] { loop.quit(1); });
  loop.run();
  loop.cancel_timer(guard);
  REQUIRE(result);
  return *result;
}

}  // namespace

TEST_CASE(
    "TechnicianAccess: wrong PINs count down, then even the right PIN is refused until expiry") {
  testing::TempDir dir;
  Logger logger(LogLevel::error);
  FakeClock clock;
  EventLoop loop;
  Lane workers("background");
  auto hash = hash_pin("975310", {10, 8, 1});
  REQUIRE(hash);
  TechnicianAccess::Options options{*hash, {}, dir / "lockout.json", clock.clock()};
  {
    TechnicianAccess access(loop, workers, nullptr, options, Log(logger, "t"));
    CHECK(access.enabled());
    CHECK(attempt(loop, access, "975310").outcome == PinAttempt::Outcome::granted);
    for (int left = 4; left >= 1; --left) {
      auto r = attempt(loop, access, "000000");
      CHECK(r.outcome == PinAttempt::Outcome::wrong);
      CHECK(r.attempts_left == left);
    }
    auto fifth = attempt(loop, access, "000000");
    CHECK(fifth.outcome == PinAttempt::Outcome::locked);
    CHECK(fifth.locked_for == 30min);
    CHECK(attempt(loop, access, "975310").outcome == PinAttempt::Outcome::locked);
  }
  // A restart of the kiosk: a new TechnicianAccess on the same state file is still locked.
  TechnicianAccess restarted(loop, workers, nullptr, options, Log(logger, "t"));
  clock.advance(29min);
  CHECK(attempt(loop, restarted, "975310").outcome == PinAttempt::Outcome::locked);
  clock.advance(1min);
  CHECK(attempt(loop, restarted, "975310").outcome == PinAttempt::Outcome::granted);
  workers.shutdown();
}

TEST_CASE("TechnicianAccess without a configured hash is disabled: fail closed") {
  testing::TempDir dir;
  Logger logger(LogLevel::error);
  EventLoop loop;
  Lane workers("background");
  TechnicianAccess access(loop, workers, nullptr,
                          {"", {}, dir / "lockout.json", FakeClock{}.clock()}, Log(logger, "t"));
  CHECK_FALSE(access.enabled());
  CHECK(attempt(loop, access, "123456").outcome == PinAttempt::Outcome::disabled);
  // A malformed hash refuses every PIN as an error.
  TechnicianAccess broken(loop, workers, nullptr,
                          {"scrypt$nonsense", {}, dir / "l2.json", FakeClock{}.clock()},
                          Log(logger, "t"));
  CHECK(attempt(loop, broken, "123456").outcome == PinAttempt::Outcome::error);
  workers.shutdown();
}
