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

TEST_CASE("a language's own catalog: its texts, then English, then Arabic") {
  auto messages =
      Messages::parse("[a]\nar = \"أ\"\nen = \"A {n}\"\n[b]\nar = \"ب\"\nen = \"B\"\n", "m.toml");
  REQUIRE(messages);
  CHECK_FALSE(messages->loaded(Language::ur));
  CHECK(messages->get("a", Language::ur) == "A {n}");  // no Urdu yet: English
  auto ok = messages->add_translation(
      "[catalog]\nlanguage = \"ur\"\nreviewed = false\n[a]\nur = \"اے {n}\"\n", "messages.ur.toml");
  REQUIRE_MESSAGE(ok, (ok ? "" : ok.error().message));
  CHECK(messages->loaded(Language::ur));
  CHECK_FALSE(messages->reviewed(Language::ur));
  CHECK(messages->reviewed(Language::ar));
  CHECK(messages->get("a", Language::ur) == "اے {n}");
  CHECK(messages->get("b", Language::ur) == "B");
  CHECK(messages->translated("a", Language::ur));
  CHECK_FALSE(messages->translated("b", Language::ur));
  CHECK(messages->missing(Language::ur) == std::vector<std::string>{"b"});
  CHECK(messages->missing(Language::hi).size() == 2);
}

TEST_CASE("a language's catalog is refused when it does not match the main catalog") {
  auto messages = Messages::parse("[a]\nar = \"أ {n}\"\nen = \"A {n}\"\n", "m.toml");
  REQUIRE(messages);
  auto with = [&](std::string_view body) {
    auto copy = *messages;
    auto ok = copy.add_translation(body, "t.toml");
    return ok ? std::string() : ok.error().message;
  };
  CHECK(with("[catalog]\nlanguage = \"hi\"\nreviewed = false\n[a]\nhi = \"ए\"\n") ==
        "t.toml:4: a: its {placeholders} differ from the English text's");
  CHECK(with("[catalog]\nlanguage = \"hi\"\nreviewed = false\n[a]\nhi = \"ए {m}\"\n") ==
        "t.toml:4: a: its {placeholders} differ from the English text's");
  CHECK(with("[catalog]\nlanguage = \"hi\"\nreviewed = false\n[z]\nhi = \"ए\"\n") ==
        "t.toml:4: z: not a message of the main catalog");
  CHECK(with("[catalog]\nlanguage = \"hi\"\nreviewed = false\n[a]\nbn = \"এ {n}\"\n") ==
        "t.toml:4: a: holds texts other than 'hi'");
  CHECK(with("[catalog]\nlanguage = \"xx\"\nreviewed = false\n") ==
        "t.toml: 'xx' is not a language a catalog file may hold");
  CHECK(with("[catalog]\nlanguage = \"en\"\nreviewed = true\n") ==
        "t.toml: 'en' is not a language a catalog file may hold");
  CHECK(with("[a]\nhi = \"ए {n}\"\n") ==
        "t.toml: needs [catalog] language = \"<code>\" and reviewed = true/false");
  CHECK(with("[catalog]\nlanguage = \"hi\"\nreviewed = false\n[a]\nhi = \"ए {n}\"\n").empty());
}

TEST_CASE("placeholder names: plain and ICU arguments, not plural bodies") {
  CHECK(placeholder_names("Kiosk {kiosk} · {version} {kiosk}") ==
        std::vector<std::string>{"kiosk", "version"});
  CHECK(placeholder_names("{seconds, plural, one {# second} other {Ends {when}}}") ==
        std::vector<std::string>{"seconds", "when"});
  CHECK(placeholder_names("{ not one } {}").empty());
}

// Every language the kiosk offers has a catalog, and the check lists any message it lacks.
TEST_CASE("the shipped catalogs: every offered language has every message") {
  auto messages = Messages::load(std::filesystem::path(SHUBBAK_ASSETS_DIR) / "i18n/messages.toml");
  REQUIRE_MESSAGE(messages, (messages ? "" : messages.error().message));
  for (Language language : k_languages) {
    CAPTURE(to_string(language));
    CHECK(messages->loaded(language));
    auto missing = messages->missing(language);
    std::string list;
    for (const auto& key : missing) list += " " + key;
    CHECK_MESSAGE(missing.empty(), "missing in ", to_string(language), ":", list);
  }
}
