#include <doctest/doctest.h>

#include "drivers/hid/boot_keyboard_decoder.hpp"
#include "drivers/hid/payment_card_filter.hpp"
#include "drivers/hid/scan_assembler.hpp"

using namespace shubbak;
using namespace std::chrono_literals;

TEST_CASE("Luhn and the payment-card filter") {
  CHECK(passes_luhn("4111111111111111"));
  CHECK(passes_luhn("79927398713"));
  CHECK_FALSE(passes_luhn("4111111111111112"));
  // Card numbers, however written.
  CHECK(looks_like_payment_card("4111111111111111"));
  CHECK(looks_like_payment_card("4111 1111 1111 1111"));
  CHECK(looks_like_payment_card("4111-1111-1111-1111"));
  CHECK(looks_like_payment_card("pay 5500005555555559 now"));
  CHECK(looks_like_payment_card("378282246310005"));  // 15-digit Amex test number
  // Magstripe tracks, with or without a Luhn-valid PAN.
  CHECK(looks_like_payment_card("%B4111111111111111^DOE/JOHN^2912101?"));
  CHECK(looks_like_payment_card(";1234567890123=2912?"));
  CHECK(looks_like_payment_card(";0000000000000000000=0?\n"));
  CHECK(looks_like_payment_card("123456789012=29"));
  // Not cards: barcodes, ids, phone numbers, QR payloads, long numbers.
  CHECK_FALSE(looks_like_payment_card("6281234567890"));  // EAN-13 (Luhn fails)
  CHECK_FALSE(looks_like_payment_card("9861031234"));     // national id
  CHECK_FALSE(looks_like_payment_card("+968 9123 4567"));
  CHECK_FALSE(looks_like_payment_card("SHUBBAK:APPT=2026-11-21;REF=MOH-55821"));
  CHECK_FALSE(looks_like_payment_card("WIFI:S:kiosk;T:WPA;P:secret;;"));
  CHECK_FALSE(looks_like_payment_card("41111111111111111111111"));  // 23 digits
  CHECK_FALSE(looks_like_payment_card("4111111111111112"));
}

TEST_CASE("boot-keyboard reports: new presses only, shift, rollover errors and bad sizes ignored") {
  BootKeyboardDecoder decoder;
  std::vector<KeyPress> pressed;
  std::uint8_t a[] = {0, 0, 0x04, 0, 0, 0, 0, 0};
  std::uint8_t a_held_b[] = {0, 0, 0x04, 0x05, 0, 0, 0, 0};
  std::uint8_t rollover[] = {0, 0, 1, 1, 1, 1, 1, 1};
  std::uint8_t shift_c[] = {0x20, 0, 0x06, 0, 0, 0, 0, 0};
  decoder.feed(a, pressed);
  decoder.feed(a_held_b, pressed);
  decoder.feed(rollover, pressed);
  decoder.feed(std::span<const std::uint8_t>(a, 3), pressed);
  decoder.feed(shift_c, pressed);
  REQUIRE(pressed.size() == 3);
  CHECK(pressed[0].usage == 0x04);
  CHECK(pressed[1].usage == 0x05);
  CHECK(pressed[2].usage == 0x06);
  CHECK(pressed[2].shift);
}

TEST_CASE("layouts: US symbols, keypad digits, Arabic letters (and لا from one key)") {
  CHECK(key_text(KeyboardLayout::us, 0x1E, false) == U"1");
  CHECK(key_text(KeyboardLayout::us, 0x1E, true) == U"!");
  CHECK(key_text(KeyboardLayout::us, 0x38, true) == U"?");
  CHECK(key_text(KeyboardLayout::us, 0x62, false) == U"0");
  CHECK(key_text(KeyboardLayout::us, 0x3A, false).empty());  // F1
  CHECK(key_text(KeyboardLayout::arabic, 0x04, false) == U"ش");
  CHECK(key_text(KeyboardLayout::arabic, 0x05, false) == U"لا");
  CHECK(key_text(KeyboardLayout::arabic, 0x1F, false) == U"2");
  CHECK(key_text(KeyboardLayout::arabic, 0x04, true) == U"A");
  CHECK(parse_keyboard_layout("ar") == KeyboardLayout::arabic);
  CHECK_FALSE(parse_keyboard_layout("fr").has_value());
}

TEST_CASE(
    "scan assembly: Enter, inter-key timeout, payment cards dropped, over-long scans dropped") {
  ScanAssembler assembler(KeyboardLayout::us, 50ms);
  auto t = ScanAssembler::Clock::now();
  auto type = [&](std::string_view usages_digits) {
    std::optional<Scan> last;
    for (char c : usages_digits) {
      auto usage = static_cast<std::uint8_t>(c == '0' ? 0x27 : 0x1E + (c - '1'));
      t += 1ms;
      if (auto s = assembler.key(KeyPress{usage, false}, t)) last = std::move(s);
    }
    return last;
  };
  CHECK_FALSE(type("123").has_value());
  t += 1ms;
  auto entered = assembler.key(KeyPress{hid_usage::k_enter, false}, t);
  REQUIRE(entered.has_value());
  CHECK(entered->text == "123");
  CHECK(assembler.pending_size() == 0);

  type("456");
  CHECK_FALSE(assembler.idle(t + 10ms).has_value());
  auto timed_out = assembler.idle(t + 60ms);
  REQUIRE(timed_out.has_value());
  CHECK(timed_out->text == "456");

  type("4111111111111111");
  t += 1ms;
  auto card = assembler.key(KeyPress{hid_usage::k_enter, false}, t);
  REQUIRE(card.has_value());
  CHECK(card->outcome == Scan::Outcome::dropped_payment_card);
  CHECK(card->text.empty());
  CHECK(assembler.pending_size() == 0);

  for (int i = 0; i < 5000; ++i) assembler.key(KeyPress{0x04, i % 2 == 0}, t += 1ms);
  auto long_scan = assembler.key(KeyPress{hid_usage::k_enter, false}, t += 1ms);
  REQUIRE(long_scan.has_value());
  CHECK(long_scan->outcome == Scan::Outcome::dropped_too_long);
}

TEST_CASE("the payment-card filter: digits separated by anything, in any digit script") {
  for (std::string_view written :
       {"4111.1111.1111.1111", "4111/1111/1111/1111", "4111_1111_1111_1111",
        "4111, 1111, 1111, 1111", "4111\t1111\n1111\r\n1111", "4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1",
        "(4111) 1111 - 1111 * 1111", "card: 4111--1111++1111##1111 thanks", "5500 0055 5555 5559",
        "3782 822463 10005",
        "٤١١١ ١١١١ ١١١١ ١١١١",                     // Arabic-Indic digits
        "۴۱۱۱-۱۱۱۱-۱۱۱۱-۱۱۱۱",                     // Eastern Arabic-Indic
        "４１１１　１１１１　１１１１　１１１１",  // full-width digits, ideographic spaces
        "4111،1111،1111،1111"}) {                  // Arabic comma
    CAPTURE(written);
    CHECK(looks_like_payment_card(written));
  }
  // Groups joined by letters or by long gaps are separate numbers; bad Luhn stays bad.
  CHECK_FALSE(looks_like_payment_card("4111 1111 1111 1112"));
  CHECK_FALSE(looks_like_payment_card("4111a1111b1111c1111"));
  CHECK_FALSE(looks_like_payment_card("4111     1111     1111     1111"));
  CHECK_FALSE(looks_like_payment_card("REF 2026-11-21 MOH-55821 ROOM 12"));
  CHECK_FALSE(looks_like_payment_card("+968 9123 4567"));
}

TEST_CASE("the payment-card filter: track data with and without sentinels, whole or in part") {
  CHECK(looks_like_payment_card("%B4111111111111111^DOE/JOHN^2912101?"));
  CHECK(looks_like_payment_card("B4111111111111111^DOE/JOHN^2912101"));  // no sentinels
  CHECK(looks_like_payment_card("4111111111111111=29121010000"));        // track 2, bare
  CHECK(looks_like_payment_card(";4111111111111111"));                   // start of a split swipe
  CHECK(looks_like_payment_card("%B411111111111"));                      // start of track 1
  CHECK(looks_like_payment_card(";1234567890123=2912?"));
  CHECK_FALSE(looks_like_payment_card("=2912101?"));  // no card number in it
}

TEST_CASE("scan assembly with a join window: pieces close in time are judged as one") {
  ScanAssembler assembler(KeyboardLayout::us, 50ms, 300ms);
  auto t = ScanAssembler::Clock::now();
  auto type = [&](std::string_view text) {
    std::optional<Scan> last;
    for (char c : text) {
      auto usage = static_cast<std::uint8_t>(c == '0' ? 0x27 : c == ' ' ? 0x2C : 0x1E + (c - '1'));
      t += 1ms;
      if (auto s = assembler.key(KeyPress{usage, false}, t)) last = std::move(s);
    }
    return last;
  };
  auto wait = [&](std::chrono::milliseconds d) {
    std::optional<Scan> out;
    for (auto end = t + d; t < end;) {
      t += 10ms;
      if (auto s = assembler.idle(t)) out = std::move(s);
    }
    return out;
  };
  // A card number split by a pause: neither half is a card; the whole is dropped.
  CHECK_FALSE(type("4111 1111").has_value());
  CHECK_FALSE(wait(120ms).has_value());  // the pause ended the first piece: held, not returned
  CHECK_FALSE(type("1111 1111").has_value());
  auto split = wait(500ms);
  REQUIRE(split.has_value());
  CHECK(split->outcome == Scan::Outcome::dropped_payment_card);
  CHECK(assembler.pending_size() == 0);

  // Halves with Enter after each, close together: still one card.
  type("4111 1111");
  CHECK_FALSE(assembler.key(KeyPress{hid_usage::k_enter, false}, t += 1ms).has_value());
  type("1111 1111");
  CHECK_FALSE(assembler.key(KeyPress{hid_usage::k_enter, false}, t += 1ms).has_value());
  auto entered = wait(400ms);
  REQUIRE(entered.has_value());
  CHECK(entered->outcome == Scan::Outcome::dropped_payment_card);

  // Ordinary scans come through once the window passes, pieces joined as typed.
  type("123");
  wait(100ms);
  type("456");
  auto joined = wait(400ms);
  REQUIRE(joined.has_value());
  CHECK(joined->text == "123456");
  // Scans far apart stay apart: the first is released by the next key.
  type("789");
  CHECK_FALSE(assembler.key(KeyPress{hid_usage::k_enter, false}, t += 1ms).has_value());
  t += 1s;
  auto first = type("1");
  REQUIRE(first.has_value());
  CHECK(first->text == "789");
}
