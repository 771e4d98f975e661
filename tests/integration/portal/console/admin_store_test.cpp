// The console's AdminStore on both backends, on real databases: a SQLite file and a private
// PostgreSQL server. Accounts, lockout counting, sessions that expire, the audit log's order.
#include <doctest/doctest.h>

#include <functional>
#include <memory>
#include <string>

#include "provisioning/portal/console/admin_store.hpp"
#include "tests/support/private_postgres.hpp"
#include "tests/support/temp_dir.hpp"

using namespace shubbak;
using namespace shubbak::portal::console;
using namespace shubbak::testing;

namespace {

constexpr std::int64_t k_now = 1'800'000'000'000;

void exercise_store(const std::string& location) {
  auto opened = open_admin_store(location);
  REQUIRE_MESSAGE(opened, (opened ? "" : opened.error().describe()));
  AdminStore& store = **opened;

  // Accounts: unique names, the role and hash kept.
  REQUIRE(store.add_account("amal", AdminRole::operator_role, "scrypt$hash-a"));
  auto again = store.add_account("amal", AdminRole::viewer, "scrypt$hash-b");
  REQUIRE_FALSE(again);
  CHECK(again.error().code == Errc::integrity);
  auto amal = store.account("amal");
  REQUIRE(amal);
  REQUIRE(*amal);
  CHECK((*amal)->role == AdminRole::operator_role);
  CHECK((*amal)->password_hash == "scrypt$hash-a");
  CHECK_FALSE(*store.account("nobody"));

  // Lockout: the third failure of three locks until now + lockout and starts counting again.
  for (int i = 1; i <= 2; ++i) {
    REQUIRE(store.record_failed_sign_in("amal", k_now, 3, 60'000));
    CHECK((*store.account("amal"))->failed_sign_ins == i);
    CHECK((*store.account("amal"))->locked_until_ms == 0);
  }
  REQUIRE(store.record_failed_sign_in("amal", k_now, 3, 60'000));
  CHECK((*store.account("amal"))->locked_until_ms == k_now + 60'000);
  CHECK((*store.account("amal"))->failed_sign_ins == 0);
  REQUIRE(store.record_failed_sign_in("amal", k_now, 3, 60'000));
  REQUIRE(store.clear_failed_sign_ins("amal"));
  CHECK((*store.account("amal"))->failed_sign_ins == 0);
  REQUIRE(store.record_failed_sign_in("nobody", k_now, 3, 60'000));  // no account: nothing

  // Sessions: found by the hash of their id until they expire, then gone.
  REQUIRE(store.create_session("hash-1", "amal", k_now + 1000));
  auto session = store.session("hash-1", k_now);
  REQUIRE(session);
  REQUIRE(*session);
  CHECK((*session)->user == "amal");
  CHECK((*session)->role == AdminRole::operator_role);
  CHECK_FALSE(*store.session("hash-2", k_now));
  CHECK_FALSE(*store.session("hash-1", k_now + 1000));
  CHECK_FALSE(*store.session("hash-1", k_now));  // deleted when found expired
  REQUIRE(store.create_session("hash-3", "amal", k_now + 1000));
  REQUIRE(store.delete_session("hash-3"));
  CHECK_FALSE(*store.session("hash-3", k_now));

  // The audit log, newest first, bounded.
  for (int i = 0; i < 5; ++i)
    REQUIRE(store.audit({k_now + i, "amal", "action-" + std::to_string(i), "d", "127.0.0.1"}));
  auto log = store.audit_log(3);
  REQUIRE(log);
  REQUIRE(log->size() == 3);
  CHECK((*log)[0].action == "action-4");
  CHECK((*log)[2].action == "action-2");
  CHECK((*log)[0].at_ms == k_now + 4);
  CHECK((*log)[0].address == "127.0.0.1");

  // A second store on the same database (a second portal process) sees the same, and opening
  // again leaves the schema as it is.
  auto second = open_admin_store(location);
  REQUIRE(second);
  CHECK((*(*second)->account("amal"))->role == AdminRole::operator_role);
  CHECK((*second)->audit_log(10)->size() == 5);
}

}  // namespace

TEST_CASE("the admin store on a SQLite file") {
  TempDir dir;
  exercise_store((dir / "portal.db").string());
}

TEST_CASE("the admin store on PostgreSQL") {
  PrivatePostgres postgres;
  exercise_store(postgres.create_database("admins"));
}
