// A smart-card reader, contact or contactless, whatever its backend: CCID over USB
// ("ccid://"), or the simulated reader of the demo ("sim://").
//
// Threading: a reader's methods block and belong to one worker at a time, except
// wait_for_card_change(), which a second thread may run (it uses the interrupt endpoint).
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "drivers/card/apdu.hpp"
#include "drivers/card/atr.hpp"
#include "drivers/card/ccid_message.hpp"

namespace shubbak {

class CardReader {
 public:
  virtual ~CardReader() = default;

  virtual std::string describe() const = 0;
  virtual Expected<IccStatus> slot_status() = 0;
  // Powers the card and reads its ATR; selects and sets up the protocol the card offers.
  virtual Expected<Atr> power_on() = 0;
  virtual Expected<void> power_off() = 0;
  // One command and its answer as the card gives it; transmit() below adds ISO 7816-4's
  // GET RESPONSE and Le correction.
  virtual Expected<ResponseApdu> transmit_raw(const CommandApdu& command) = 0;
  // Waits up to `timeout` for a card to arrive (true) or leave (false); nullopt: no change.
  virtual Expected<std::optional<bool>> wait_for_card_change(std::chrono::milliseconds timeout) = 0;

  // Bounds every exchange from now on by `deadline` (nullopt: lifts it), so a whole card read
  // ends by then whatever the card or reader asks for; the clean-up of a read that ran out
  // (abort, power-off) follows within cleanup_reserve(). Readers whose exchanges cannot be
  // held (the simulated one) ignore it.
  virtual void set_deadline(std::optional<std::chrono::steady_clock::time_point> /*deadline*/) {}
  virtual std::chrono::milliseconds cleanup_reserve() const { return std::chrono::milliseconds(0); }

  // The largest Ne one exchange can carry and whether extended APDUs get through.
  virtual std::uint32_t max_response_length() const = 0;
  virtual bool extended_apdus() const = 0;
};

// ISO 7816-4 transmission: on 61xx fetches the rest with GET RESPONSE, on 6Cxx sends the
// command again with the Le the card named. Bounded in rounds and in bytes.
Expected<ResponseApdu> transmit(CardReader& reader, const CommandApdu& command);

// PC/SC pseudo-APDU GET DATA (FF CA 00 00 00): a contactless card's UID, from the reader.
Expected<Bytes> read_contactless_uid(CardReader& reader);

}  // namespace shubbak
