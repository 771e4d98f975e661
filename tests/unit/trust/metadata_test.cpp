// Strict parsing of metadata: malformed input is refused with the role and the JSON path.
#include <doctest/doctest.h>

#include "kiosk/trust/metadata.hpp"

using namespace shubbak;
using namespace shubbak::trust;

TEST_CASE("malformed metadata is refused naming the role and the field") {
  auto not_json = parse_timestamp("{nope");
  REQUIRE_FALSE(not_json);
  CHECK(not_json.error().message == "timestamp metadata: $: not valid JSON");

  auto wrong_type = parse_timestamp(R"({"signed":{"_type":"snapshot"},"signatures":[]})");
  REQUIRE_FALSE(wrong_type);
  CHECK(wrong_type.error().message ==
        "timestamp metadata: $.signed._type: expected \"timestamp\", got \"snapshot\"");

  auto bad_version = parse_snapshot(
      R"({"signed":{"_type":"snapshot","spec_version":"1.0.31","version":0,"expires":"2030-01-01T00:00:00Z","meta":{}},"signatures":[]})");
  REQUIRE_FALSE(bad_version);
  CHECK(bad_version.error().message == "snapshot metadata: $.signed.version: must be at least 1");

  auto float_version = parse_snapshot(
      R"({"signed":{"_type":"snapshot","spec_version":"1.0.31","version":1.0,"expires":"2030-01-01T00:00:00Z","meta":{}},"signatures":[]})");
  REQUIRE_FALSE(float_version);

  auto spec2 = parse_snapshot(
      R"({"signed":{"_type":"snapshot","spec_version":"2.0.0","version":1,"expires":"2030-01-01T00:00:00Z","meta":{}},"signatures":[]})");
  REQUIRE_FALSE(spec2);
  CHECK(spec2.error().message.find("unsupported specification version") != std::string::npos);

  auto no_targets = parse_snapshot(
      R"({"signed":{"_type":"snapshot","spec_version":"1.0.31","version":1,"expires":"2030-01-01T00:00:00Z","meta":{}},"signatures":[]})");
  REQUIRE_FALSE(no_targets);
  CHECK(no_targets.error().message == "snapshot metadata: $.signed.meta: missing \"targets.json\"");

  auto target_without_hashes = parse_targets(
      R"({"signed":{"_type":"targets","spec_version":"1.0","version":1,"expires":"2030-01-01T00:00:00Z","targets":{"a":{"length":1}}},"signatures":[]})",
      "targets");
  REQUIRE_FALSE(target_without_hashes);
  CHECK(target_without_hashes.error().message ==
        "targets metadata: $.signed.targets[\"a\"]: missing \"hashes\"");

  auto both_patterns = parse_targets(
      R"({"signed":{"_type":"targets","spec_version":"1.0","version":1,"expires":"2030-01-01T00:00:00Z","targets":{},
          "delegations":{"keys":{},"roles":[{"name":"x","keyids":[],"threshold":1,"paths":[],"path_hash_prefixes":[]}]}},"signatures":[]})",
      "targets");
  REQUIRE_FALSE(both_patterns);
  CHECK(both_patterns.error().message.find("exactly one of \"paths\" and \"path_hash_prefixes\"") !=
        std::string::npos);
}

TEST_CASE("duplicate keys are refused with their path, even where the signature still verifies") {
  auto top = parse_timestamp(R"({"signed":{},"signed":{},"signatures":[]})");
  REQUIRE_FALSE(top);
  CHECK(top.error().message == "timestamp metadata: $: duplicate key \"signed\"");
  auto in_array = parse_targets(
      R"({"signed":{"_type":"targets","spec_version":"1.0","version":1,"expires":"2030-01-01T00:00:00Z","targets":{},
          "delegations":{"keys":{},"roles":[{"name":"a","keyids":[],"threshold":1,"paths":[]},
                                            {"name":"b","keyids":[],"threshold":1,"threshold":2,"paths":[]}]}},
          "signatures":[]})",
      "targets");
  REQUIRE_FALSE(in_array);
  CHECK(in_array.error().message ==
        "targets metadata: $.signed.delegations.roles[1]: duplicate key \"threshold\"");
  // The same key in two different objects is no duplicate.
  auto fine = parse_timestamp(
      R"({"signed":{"_type":"timestamp","spec_version":"1.0","version":1,"expires":"2030-01-01T00:00:00Z",
          "meta":{"snapshot.json":{"version":1}}},"signatures":[{"keyid":"a","sig":"00"},{"keyid":"b","sig":"00"}]})");
  CHECK(fine);
}
