#include <doctest/doctest.h>

#include "kiosk/core/messages.hpp"

using namespace shubbak;

TEST_CASE("messages give each language its own text") {
  auto messages = Messages::parse(R"(
[welcome.title]
ar = "أهلاً وسهلاً"
en = "Welcome"
)",
                                  "m.toml");
  REQUIRE(messages);
  CHECK(messages->get("welcome.title", Language::ar) == "أهلاً وسهلاً");
  CHECK(messages->get("welcome.title", Language::en) == "Welcome");
  CHECK(messages->get("no.such", Language::en) == "no.such");
}

TEST_CASE("a message missing a language is refused at load") {
  auto messages = Messages::parse("[a]\nar = \"نص\"\n[b]\nen = \"text\"\n", "m.toml");
  REQUIRE_FALSE(messages);
  CHECK(messages.error().message == "m.toml:1: a: no English text\nm.toml:3: b: no Arabic text");
}

TEST_CASE("placeholders are filled, in both languages") {
  auto messages =
      Messages::parse("[f]\nar = \"الكشك {kiosk} {kiosk}\"\nen = \"Kiosk {kiosk}\"\n", "m.toml");
  REQUIRE(messages);
  CHECK(messages->format("f", Language::ar, {{"kiosk", "K-7"}}) == "الكشك K-7 K-7");
  CHECK(messages->format("f", Language::en, {{"kiosk", "{kiosk}"}}) == "Kiosk {kiosk}");
}

TEST_CASE("the shipped catalog loads: every message in Arabic and English") {
  auto messages = Messages::load(std::filesystem::path(SHUBBAK_ASSETS_DIR) / "i18n/messages.toml");
  REQUIRE_MESSAGE(messages, (messages ? "" : messages.error().message));
  CHECK(messages->contains("welcome.title"));
  CHECK(messages->size() >= 6);
}
