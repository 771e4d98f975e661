// Rollout groups come from the kiosk's own certificate: each OU of a certificate that the
// project's test CA issued with the kiosk id as CN, and only when the kiosk holds its key.
#include <doctest/doctest.h>

#include <filesystem>

#include "kiosk/crypto/certificate_groups.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_pki.hpp"

namespace {

using namespace shubbak;
using namespace shubbak::testing;

}  // namespace

TEST_CASE("the groups are the OUs of the kiosk's own certificate, and nothing else's") {
  TempDir dir;
  TestPki pki(dir.path(), "kiosk-ca");
  auto kiosk =
      pki.issue_client("kiosk", "kiosk-0042", std::chrono::hours(-1), std::chrono::hours(24),
                       {"site:riyadh-olaya", "region:riyadh", "pilot"});
  auto groups = read_certificate_groups(kiosk.cert, kiosk.key, "kiosk-0042");
  REQUIRE_MESSAGE(groups, (groups ? "" : groups.error().describe()));
  CHECK(*groups == std::vector<std::string>{"site:riyadh-olaya", "region:riyadh", "pilot"});

  auto plain = pki.issue_client("plain", "kiosk-0042");
  auto none = read_certificate_groups(plain.cert, plain.key, "kiosk-0042");
  REQUIRE(none);
  CHECK(none->empty());

  // Another kiosk's certificate (a configuration edited to point at it) gives nothing.
  auto other = read_certificate_groups(kiosk.cert, kiosk.key, "kiosk-0043");
  REQUIRE_FALSE(other);
  CHECK(other.error().code == Errc::integrity);
  CHECK(other.error().message.find("not for kiosk \"kiosk-0043\"") != std::string::npos);

  // The right CN with a key the kiosk does not hold for it: the pilot's certificate copied
  // onto a kiosk whose own key is another.
  auto mismatched = read_certificate_groups(kiosk.cert, plain.key, "kiosk-0042");
  REQUIRE_FALSE(mismatched);
  CHECK(mismatched.error().message.find("is not the certificate of the key") != std::string::npos);

  // An OU outside the contract's names is not a group; the certificate is refused whole.
  auto odd = pki.issue_client("odd", "kiosk-0042", std::chrono::hours(-1), std::chrono::hours(24),
                              {"pilot", "Region Riyadh"});
  auto refused = read_certificate_groups(odd.cert, odd.key, "kiosk-0042");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message.find("is not a valid group name") != std::string::npos);
  auto twice = pki.issue_client("twice", "kiosk-0042", std::chrono::hours(-1),
                                std::chrono::hours(24), {"pilot", "pilot"});
  CHECK_FALSE(read_certificate_groups(twice.cert, twice.key, "kiosk-0042"));

  auto missing = read_certificate_groups(dir.path() / "none.pem", kiosk.key, "kiosk-0042");
  CHECK_FALSE(missing);
}
