// The simulated reader ("sim://demo"): a first-class backend the demo runs on, holding a
// SimulatedCard. Tests and the technician's self-test can insert and remove the card and make
// the next exchanges fail.
//
// Threading: all methods are thread-safe.
#pragma once

#include <condition_variable>
#include <mutex>

#include "drivers/card/card_reader.hpp"
#include "drivers/card/sim/simulated_card.hpp"

namespace shubbak {

class SimCardReader final : public CardReader {
 public:
  SimCardReader(SimulatedCard card, bool card_inserted);

  std::string describe() const override { return "sim://demo"; }
  Expected<IccStatus> slot_status() override;
  Expected<Atr> power_on() override;
  Expected<void> power_off() override;
  Expected<ResponseApdu> transmit_raw(const CommandApdu& command) override;
  Expected<std::optional<bool>> wait_for_card_change(std::chrono::milliseconds timeout) override;
  std::uint32_t max_response_length() const override { return k_max_short_le; }
  bool extended_apdus() const override { return false; }

  void insert_card();
  void remove_card();
  // The next `count` exchanges fail with `code` (a reader fault), then all is well again.
  void fail_next(int count, Errc code);
  // Each exchange takes this long, as a real card's does (demo realism; timing tests).
  void set_latency(std::chrono::milliseconds latency);

 private:
  void set_inserted(bool inserted);

  std::mutex m_mutex;
  std::condition_variable m_changed;
  SimulatedCard m_card;
  bool m_inserted;
  bool m_powered = false;
  int m_change_count = 0;
  int m_changes_reported = 0;
  int m_failures_left = 0;
  Errc m_failure = Errc::device;
  std::chrono::milliseconds m_latency{0};
};

}  // namespace shubbak
