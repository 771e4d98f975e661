#include <cerrno>
#include <set>

#include <doctest/doctest.h>

#include "kiosk/core/error.hpp"

using namespace shubbak;

namespace {
Expected<int> parse_positive(int value) {
  if (value <= 0) return fail(Errc::invalid_argument, "must be positive");
  return value;
}
}  // namespace

TEST_CASE("Expected carries a value or an Error with its code and message") {
  auto good = parse_positive(3);
  REQUIRE(good.has_value());
  CHECK(*good == 3);

  auto bad = parse_positive(-1);
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().code == Errc::invalid_argument);
  CHECK(bad.error().message == "must be positive");
  CHECK(bad.error().describe() == "invalid argument: must be positive");
}

TEST_CASE("fail_errno names the operation and the system's reason") {
  Error e = fail_errno(Errc::io, "open /nowhere", ENOENT).error();
  CHECK(e.code == Errc::io);
  CHECK(e.message == "open /nowhere: No such file or directory (errno 2)");
}

TEST_CASE("every error code has a distinct name") {
  std::set<std::string_view> names;
  for (Errc c : {Errc::invalid_argument, Errc::not_found, Errc::io, Errc::parse, Errc::config,
                 Errc::unsupported, Errc::device, Errc::timeout, Errc::cancelled, Errc::integrity,
                 Errc::internal}) {
    names.insert(to_string(c));
  }
  CHECK(names.size() == 11);
  CHECK_FALSE(names.contains("unknown"));
}
