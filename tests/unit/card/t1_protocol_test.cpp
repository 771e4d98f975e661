// T=1 against a scripted card: each test lists the blocks the card answers, in order, and
// checks the blocks the host sent.
#include <doctest/doctest.h>

#include <deque>

#include "drivers/card/t1_protocol.hpp"
#include "kiosk/core/hex.hpp"

using namespace shubbak;

namespace {

struct ScriptedCard {
  std::deque<T1Block> answers;
  std::vector<T1Block> received;
  std::vector<std::uint8_t> multipliers;
  bool garble_next = false;

  T1Protocol::Exchange exchange() {
    return [this](ByteView block, std::uint8_t multiplier) -> Expected<Bytes> {
      auto parsed = parse_t1_block(block);
      REQUIRE(parsed.has_value());
      received.push_back(*parsed);
      multipliers.push_back(multiplier);
      if (answers.empty()) return fail(Errc::timeout, "card silent");
      Bytes wire = encode_t1_block(answers.front());
      answers.pop_front();
      if (garble_next) {
        garble_next = false;
        wire.back() ^= 0xFF;
      }
      return wire;
    };
  }
};

T1Block i_block(int ns, bool more, Bytes inf) {
  return T1Block{0, t1::i_pcb(ns, more), std::move(inf)};
}
T1Block r_block(int nr) {
  return T1Block{0, t1::r_pcb(nr), {}};
}

}  // namespace

TEST_CASE("framing: LRC, LEN and the block kinds") {
  Bytes wire = encode_t1_block(i_block(1, true, {0x00, 0xA4}));
  CHECK(to_hex_upper(wire) == "00600200A4C6");
  auto parsed = parse_t1_block(wire);
  REQUIRE(parsed.has_value());
  CHECK(parsed->is_information());
  CHECK(parsed->send_sequence() == 1);
  CHECK(parsed->more());
  wire[3] ^= 1;
  CHECK(parse_t1_block(wire).error().message == "T=1: LRC mismatch");
  CHECK_FALSE(parse_t1_block(*parse_hex("000005 00 05")).has_value());
  CHECK(parse_t1_block(encode_t1_block(r_block(1)))->is_receive_ready());
}

TEST_CASE(
    "a command chained over a small IFSC and a chained answer, with sequence numbers alternating") {
  ScriptedCard card;
  card.answers = {r_block(1), r_block(0), i_block(0, true, {0x01, 0x02}),
                  i_block(1, false, {0x90, 0x00})};
  T1Protocol t1(card.exchange(), 4);
  auto response = t1.transceive(*parse_hex("00A4040C 05 A000000001"));  // 10 bytes: 3 blocks
  REQUIRE_MESSAGE(response.has_value(), response.error().describe());
  CHECK(to_hex_upper(*response) == "01029000");
  REQUIRE(card.received.size() == 4);
  CHECK(card.received[0].pcb == t1::i_pcb(0, true));
  CHECK(card.received[1].pcb == t1::i_pcb(1, true));
  CHECK(card.received[2].pcb == t1::i_pcb(0, false));
  CHECK(card.received[2].inf.size() == 2);
  CHECK(card.received[3].pcb == t1::r_pcb(1));  // acknowledges the card's chained I(0)

  // The next exchange continues the sequence numbers: ours is 1, the card's is 0.
  card.received.clear();
  card.answers = {i_block(0, false, {0x90, 0x00})};
  auto second = t1.transceive(*parse_hex("00700000"));  // fits one block
  REQUIRE_MESSAGE(second.has_value(), second.error().describe());
  CHECK(card.received[0].pcb == t1::i_pcb(1, false));
}

TEST_CASE("IFS negotiation, and a card changing its IFSC mid-way") {
  ScriptedCard card;
  card.answers = {T1Block{0, 0xE1, {0xFE}}};
  T1Protocol t1(card.exchange(), 32, 254);
  REQUIRE(t1.negotiate_ifsd().has_value());
  CHECK(card.received[0].pcb == t1::k_ifs_request);
  CHECK(card.received[0].inf == Bytes{0xFE});

  card.answers = {T1Block{0, t1::k_ifs_request, {0x08}}, i_block(0, false, {0x90, 0x00})};
  REQUIRE(t1.transceive(*parse_hex("00B0000000")).has_value());
  CHECK(t1.ifsc() == 8);
  CHECK(card.received[2].pcb == 0xE1);  // our S(IFS response)
}

TEST_CASE(
    "waiting-time extensions are answered with the multiplier passed to the reader, and bounded") {
  ScriptedCard card;
  card.answers = {T1Block{0, t1::k_wtx_request, {0x05}}, i_block(0, false, {0x90, 0x00})};
  T1Protocol t1(card.exchange(), 32);
  REQUIRE(t1.transceive(*parse_hex("00B0000000")).has_value());
  REQUIRE(card.multipliers.size() == 2);
  CHECK(card.multipliers[0] == 1);
  CHECK(card.multipliers[1] == 5);
  CHECK(card.received[1].pcb == 0xE3);
  CHECK(card.received[1].inf == Bytes{0x05});

  ScriptedCard greedy;
  for (int i = 0; i < 40; ++i) greedy.answers.push_back(T1Block{0, t1::k_wtx_request, {0x01}});
  T1Protocol t1_greedy(greedy.exchange(), 32);
  auto refused = t1_greedy.transceive(*parse_hex("00B0000000"));
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == Errc::timeout);
  CHECK(greedy.received.size() == T1Protocol::k_max_wtx_per_exchange + 1);
}

TEST_CASE("errors: a garbled block is asked for again; wrong sequence numbers and aborts fail") {
  ScriptedCard card;
  card.answers = {i_block(0, false, {0x6A, 0x82}), i_block(0, false, {0x90, 0x00})};
  card.garble_next = true;
  T1Protocol t1(card.exchange(), 32);
  auto response = t1.transceive(*parse_hex("00B0000000"));
  REQUIRE_MESSAGE(response.has_value(), response.error().describe());
  CHECK(to_hex_upper(*response) == "9000");
  CHECK(card.received[1].pcb == t1::r_pcb(0, 0x01));  // R-block with the EDC error bit

  ScriptedCard out_of_step;
  for (int i = 0; i < 6; ++i) out_of_step.answers.push_back(i_block(1, false, {0x90, 0x00}));
  T1Protocol t1_bad(out_of_step.exchange(), 32);
  CHECK(t1_bad.transceive(*parse_hex("00B0000000")).error().message.find("out of step") !=
        std::string::npos);

  ScriptedCard aborting;
  aborting.answers = {T1Block{0, t1::k_abort_request, {}}};
  T1Protocol t1_abort(aborting.exchange(), 32);
  CHECK(t1_abort.transceive(*parse_hex("00B0000000")).error().code == Errc::cancelled);

  ScriptedCard silent;
  T1Protocol t1_silent(silent.exchange(), 32);
  CHECK(t1_silent.transceive(*parse_hex("00B0000000")).error().code == Errc::timeout);
}
