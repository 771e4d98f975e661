// OLPC canonical JSON against known vectors, and against a root signed by python-tuf: if one
// byte of our canonical form differed, that RSA-PSS signature would not verify.
#include <doctest/doctest.h>

#include "kiosk/core/atomic_file.hpp"
#include "kiosk/core/hex.hpp"
#include "kiosk/crypto/signature.hpp"
#include "kiosk/trust/canonical_json.hpp"

namespace {

using namespace shubbak;
using namespace shubbak::trust;
using Json = nlohmann::json;

std::string canon(std::string_view text) {
  auto result = canonical_json(Json::parse(text));
  REQUIRE(result);
  return *result;
}

}  // namespace

TEST_CASE("canonical JSON: known vectors") {
  CHECK(canon(R"({"b": 2, "a": 1})") == R"({"a":1,"b":2})");
  CHECK(canon(R"({ "a" : [ 1 , 2 , { "d" : true , "c" : null } ] })") ==
        R"({"a":[1,2,{"c":null,"d":true}]})");
  // Upper case sorts before lower case: byte order, not locale.
  CHECK(canon(R"({"a": 1, "B": 2, "_": 3, "A": 4})") == R"({"A":4,"B":2,"_":3,"a":1})");
  // Only '"' and '\' are escaped; everything else is written raw (here: a newline and UTF-8).
  CHECK(canon(R"({"k": "say \"hi\" \\ now\n"})") == "{\"k\":\"say \\\"hi\\\" \\\\ now\n\"}");
  CHECK(canon(R"(["خدمة", "é"])") == "[\"خدمة\",\"é\"]");
  // Non-ASCII keys sort by their UTF-8 bytes.
  CHECK(canon(R"({"ب": 1, "z": 2, "é": 3})") == "{\"z\":2,\"é\":3,\"ب\":1}");
  CHECK(canon(R"({"n": -42, "m": 0, "big": 18446744073709551615})") ==
        R"({"big":18446744073709551615,"m":0,"n":-42})");
  CHECK(canon(R"({"e": {}, "f": []})") == R"({"e":{},"f":[]})");
  CHECK(canon(R"(false)") == "false");
}

TEST_CASE("canonical JSON refuses floating-point numbers") {
  auto result = canonical_json(Json::parse(R"({"threshold": 1.5})"));
  REQUIRE_FALSE(result);
  CHECK(result.error().message.find("floating-point") != std::string::npos);
}

TEST_CASE("canonical JSON matches python-tuf: its RSA-PSS root signature verifies over our bytes") {
  auto text = read_whole_file(SHUBBAK_SOURCE_DIR "/tests/fixtures/tuf/python-tuf-legacy-root.json",
                              1 << 20);
  REQUIRE(text);
  Json doc = Json::parse(*text);
  auto canonical = canonical_json(doc["signed"]);
  REQUIRE(canonical);
  std::string keyid = doc["signatures"][0]["keyid"];
  PublicKey key{KeyScheme::rsa_pss_sha256, doc["signed"]["keys"][keyid]["keyval"]["public"]};
  auto signature = from_hex_text(doc["signatures"][0]["sig"].get<std::string>());
  REQUIRE(signature);
  CHECK(verify_signature(key, *canonical, *signature));
  // One changed byte and it no longer verifies.
  std::string altered = *canonical;
  altered[altered.find("\"version\":1") + 10] = '2';
  CHECK_FALSE(verify_signature(key, altered, *signature));
}
