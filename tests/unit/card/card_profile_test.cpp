#include <doctest/doctest.h>

#include "drivers/card/card_profile.hpp"
#include "drivers/card/sim/sim_card_reader.hpp"
#include "kiosk/core/hex.hpp"

using namespace shubbak;

namespace {
const std::string k_demo = std::string(SHUBBAK_ASSETS_DIR) + "/card-profiles/demo-national-id.json";
}

TEST_CASE("the shipped demo profile loads") {
  auto profile = load_card_profile(k_demo);
  REQUIRE_MESSAGE(profile.has_value(), profile.error().describe());
  CHECK(profile->id == "demo-national-id");
  CHECK(profile->title_ar == "بطاقة الهوية الوطنية (تجريبية)");
  CHECK(profile->steps.size() == 5);
  CHECK(profile->fields.size() == 6);
  CHECK(profile->steps[3].sfi == 2);
  CHECK(profile->steps[3].length == 16);
}

TEST_CASE("bad profiles are refused, each problem named by its JSON path") {
  auto refused = parse_card_profile(R"({
    "format": "shubbak-card-profile/1", "id": "x", "title": {"ar": "س", "en": "x"},
    "steps": [ {"op": "select_aid", "aid": "F0"}, {"op": "read_binary", "into": "a", "colour": 1},
               {"op": "format_card"} ],
    "fields": { "id_number": {"source": "b", "tag": "61/ZZ"}, "shoe_size": {"source": "a", "tag": "C1"},
                "name_en": {"source": "a", "offset": 0, "length": 4, "encoding": "ebcdic"} }
  })",
                                    "bad.json");
  REQUIRE_FALSE(refused.has_value());
  const std::string& m = refused.error().message;
  CHECK(m.find("$.steps[0].aid expected 5 to 16 hex bytes") != std::string::npos);
  CHECK(m.find("$.steps[1].colour is not a known key") != std::string::npos);
  CHECK(m.find("$.steps[2].op \"format_card\" is not one of") != std::string::npos);
  CHECK(m.find("$.fields.id_number.source \"b\" is not filled by any step") != std::string::npos);
  CHECK(m.find("$.fields.id_number.tag") != std::string::npos);
  CHECK(m.find("$.fields.shoe_size is not an identity field") != std::string::npos);
  CHECK(m.find("$.fields.name_en.encoding \"ebcdic\"") != std::string::npos);
  CHECK(parse_card_profile("{", "x.json").error().message == "x.json: not valid JSON");
  CHECK(parse_card_profile(R"({"format": "other/2"})", "y.json").error().message.find("$.format") !=
        std::string::npos);
}

TEST_CASE("the simulated reader reads the demo card with the demo profile, and fails cleanly") {
  auto profile = *load_card_profile(k_demo);
  SimCardReader reader(SimulatedCard::demo_id_card(), true);
  auto id = read_identity(reader, profile);
  REQUIRE_MESSAGE(id.has_value(), id.error().describe());
  CHECK(id->id_number == "9861031234");
  CHECK(id->name_ar == "أحمد بن سالم البلوشي");
  CHECK(id->name_en == "AHMED BIN SALIM AL BALUSHI");
  CHECK(id->birth_date == "1986-03-14");
  CHECK(id->expiry_date == "2031-05-20");
  CHECK(id->nationality == "OMN");
  CHECK_FALSE(id->expired_on("2026-11-21"));
  CHECK(id->expired_on("2031-05-21"));
  CHECK(*reader.slot_status() == IccStatus::present_inactive);  // powered off afterwards

  reader.fail_next(1, Errc::device);
  auto faulted = read_identity(reader, profile);
  REQUIRE_FALSE(faulted.has_value());
  CHECK(faulted.error().code == Errc::device);

  reader.remove_card();
  auto absent = read_identity(reader, profile);
  REQUIRE_FALSE(absent.has_value());
  CHECK(absent.error().code == Errc::not_found);
  auto change = reader.wait_for_card_change(std::chrono::milliseconds(10));
  REQUIRE(change.has_value());
  CHECK(*change == std::optional<bool>(false));
}

TEST_CASE("a card that lacks a required field, or holds malformed data, is refused by name") {
  auto profile = *parse_card_profile(R"({
    "format": "shubbak-card-profile/1", "id": "p", "title": {"ar": "س", "en": "p"},
    "steps": [ {"op": "select_aid", "aid": "F05348554242414B4944"}, {"op": "select_file", "fid": "0101"},
               {"op": "read_binary", "into": "personal"} ],
    "fields": { "id_number": {"source": "personal", "tag": "61/C9"} }
  })",
                                     "p.json");
  SimCardReader reader(SimulatedCard::demo_id_card(), true);
  auto missing = read_identity(reader, profile);
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().message == "profile p: card has no id_number");

  profile.fields["id_number"].tag_path = {0x61, 0xC2};  // the Arabic name, not ASCII
  auto malformed = read_identity(reader, profile);
  REQUIRE_FALSE(malformed.has_value());
  CHECK(malformed.error().message.find("not printable ASCII") != std::string::npos);

  profile.steps[0].id = *parse_hex("F0000000000001");
  auto no_application = read_identity(reader, profile);
  REQUIRE_FALSE(no_application.has_value());
  CHECK(no_application.error().code == Errc::not_found);
  CHECK(no_application.error().message.find("6A82") != std::string::npos);
}

TEST_CASE("IdentityRecord wipes itself") {
  IdentityRecord record;
  record.id_number = "9861031234";
  record.name_en = "AHMED";
  record.wipe();
  CHECK(record.id_number.empty());
  CHECK(record.name_en.empty());
}

TEST_CASE("secure_wipe clears a string's whole buffer, including what a move left behind") {
  std::string short_text = "9861031234";  // fits the inline buffer
  const char* inline_buffer = short_text.data();
  std::string moved = std::move(short_text);
  secure_wipe(short_text);
  for (std::size_t i = 0; i < 15; ++i) CHECK(inline_buffer[i] == '\0');
  CHECK(moved == "9861031234");

  Bytes bytes{1, 2, 3, 4, 5, 6, 7, 8};
  bytes.resize(2);
  const std::uint8_t* storage = bytes.data();
  secure_wipe(bytes);
  CHECK(bytes.empty());
  for (std::size_t i = 0; i < 8; ++i) CHECK(storage[i] == 0);
}
