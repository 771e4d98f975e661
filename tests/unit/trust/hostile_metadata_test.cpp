// Hostile TUF metadata written by hand (tests/fixtures/hostile/tuf): each file ROLE.CASE.json is
// refused with exactly the error in ROLE.CASE.expected, naming the role, the JSON path or the
// key. Roots go through TrustedSet::from_trusted_root (parse and the root's own signatures, as
// `shubbak-tuf init` and a kiosk's first start do); the other roles through their parsers.
// The same files seed the fuzz_tuf_metadata target.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "kiosk/trust/trusted_set.hpp"

namespace {

using namespace shubbak;
using namespace shubbak::trust;
namespace fs = std::filesystem;

std::string read(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

Expected<void> check(const std::string& role, std::string_view bytes) {
  auto as_void = [](const auto& parsed) -> Expected<void> {
    if (!parsed) return std::unexpected(parsed.error());
    return {};
  };
  if (role == "root") return as_void(TrustedSet::from_trusted_root(bytes, 0));
  if (role == "timestamp") return as_void(parse_timestamp(bytes));
  if (role == "snapshot") return as_void(parse_snapshot(bytes));
  return as_void(parse_targets(bytes, role));
}

}  // namespace

TEST_CASE("hostile TUF metadata is refused with the error expected for each file") {
  fs::path corpus = fs::path(SHUBBAK_SOURCE_DIR) / "tests/fixtures/hostile/tuf";
  int cases = 0;
  for (const auto& entry : fs::directory_iterator(corpus)) {
    if (entry.path().extension() != ".json") continue;
    ++cases;
    std::string name = entry.path().filename().string();
    CAPTURE(name);
    std::string expected = read(fs::path(entry.path()).replace_extension(".expected"));
    REQUIRE(expected.ends_with("\n"));
    expected.pop_back();
    auto refused = check(name.substr(0, name.find('.')), read(entry.path()));
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message == expected);
  }
  CHECK(cases >= 30);
}

TEST_CASE("the unmodified python-tuf metadata the hostile files derive from is accepted") {
  // So each hostile file is refused for its one change, not for something in the original.
  fs::path repo = fs::path(SHUBBAK_SOURCE_DIR) / "tests/fixtures/tuf/python-tuf-v3-repo/metadata";
  CHECK(check("root", read(repo / "1.root.json")));
  CHECK(check("timestamp", read(repo / "timestamp.json")));
  CHECK(check("snapshot", read(repo / "1.snapshot.json")));
  CHECK(check("targets", read(repo / "1.targets.json")));
}
