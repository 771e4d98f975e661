// A card that answers ISO 7816-4 commands from an in-memory file system: the card of the
// demo's simulated reader, and the card inside the emulated USB readers of the tests.
//
// It answers SELECT (by AID, by file id), READ BINARY (offset or short EF id), READ RECORD,
// GET RESPONSE and the reader's GET DATA for the UID. Two switches make it behave like older
// cards: 61xx-then-GET RESPONSE for SELECT answers, and 6Cxx when Le is not exact.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "kiosk/core/bytes.hpp"

namespace shubbak {

struct SimulatedFile {
  std::uint16_t fid = 0;
  std::uint8_t sfi = 0;        // short EF identifier, 0 for none
  Bytes content;               // transparent EF
  std::vector<Bytes> records;  // record EF (records numbered from 1)
};

struct SimulatedApplication {
  Bytes aid;
  std::vector<SimulatedFile> files;
};

struct SimulatedCardBehaviour {
  bool select_answers_61xx = false;  // FCI only through GET RESPONSE, as T=0 cards do
  bool exact_le_required = false;    // READ BINARY with the wrong Le answers 6Cxx
};

class SimulatedCard {
 public:
  SimulatedCard(Bytes atr, Bytes uid, std::vector<SimulatedApplication> applications,
                SimulatedCardBehaviour behaviour = {});

  // The demo national ID card; its data matches assets/card-profiles/demo-national-id.json.
  static SimulatedCard demo_id_card(SimulatedCardBehaviour behaviour = {});
  // The same data under an ATR offering T=1 only, or T=0 only.
  static Bytes demo_atr_t1();
  static Bytes demo_atr_t0();

  const Bytes& atr() const { return m_atr; }
  void set_atr(Bytes atr) { m_atr = std::move(atr); }
  const Bytes& uid() const { return m_uid; }
  // Back to the state after reset: nothing selected.
  void reset();
  // One command APDU in, response APDU (data and SW) out.
  Bytes process(ByteView command);
  int commands_seen() const { return m_commands_seen; }

 private:
  Bytes answer(ByteView data, std::uint16_t sw);
  Bytes select(std::uint8_t p1, std::uint8_t p2, const Bytes& data,
               std::optional<std::uint32_t> le);
  Bytes read_binary(std::uint8_t p1, std::uint8_t p2, std::uint32_t le);
  Bytes read_record(std::uint8_t p1, std::uint8_t p2, std::uint32_t le);

  Bytes m_atr;
  Bytes m_uid;
  std::vector<SimulatedApplication> m_applications;
  SimulatedCardBehaviour m_behaviour;
  const SimulatedApplication* m_application = nullptr;
  const SimulatedFile* m_file = nullptr;
  Bytes m_pending;  // what GET RESPONSE hands out
  int m_commands_seen = 0;
};

}  // namespace shubbak
