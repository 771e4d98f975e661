// An emulated CCID reader for the umockdev testbed, holding a SimulatedCard. It speaks CCID on
// its bulk endpoints at APDU level (short or extended, with chaining) or at TPDU level (T=1
// with its own card-side block engine, or T=0), sends NotifySlotChange on its interrupt
// endpoint, and misbehaves on request: STALL, silence, time extensions, stale sequence numbers,
// T=1 waiting-time extensions and corrupted blocks, a smaller buffer than it announces, and
// unplugging itself in the middle of a transfer.
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <optional>

#include "drivers/card/sim/simulated_card.hpp"
#include "tests/support/usb/usb_testbed.hpp"

namespace shubbak::testing {

enum class FakeExchange { short_apdu, extended_apdu, tpdu_t1, tpdu_t0 };

struct FakeCcidConfig {
  std::uint16_t vendor_id = 0x1D6B;
  std::uint16_t product_id = 0x0C1A;
  FakeExchange exchange = FakeExchange::tpdu_t1;
  std::uint32_t announced_max_message = 271;  // dwMaxCCIDMessageLength
  std::uint32_t real_max_message = 271;       // larger OUT messages are STALLed
  bool interrupt_endpoint = true;
};

class FakeCcidReader final : public EmulatedBehaviour {
 public:
  FakeCcidReader(FakeCcidConfig config, std::optional<SimulatedCard> card);

  Bytes descriptors() const;
  static Bytes class_descriptor(std::uint32_t features, std::uint32_t max_message,
                                std::uint32_t protocols);

  Outcome out(std::uint8_t endpoint, ByteView data) override;
  InAnswer control(ByteView setup, ByteView out) override;
  InAnswer in(std::uint8_t endpoint, std::size_t max) override;

  // Test controls (any thread).
  void insert_card(SimulatedCard card);
  void remove_card();
  void stall_next_commands(int count);
  void ignore_next_commands(int count);           // no answer at all: the host times out
  void time_extensions_before_answer(int count);  // bStatus "time extension" answers first
  void stale_answer_before_next();                // an answer with the previous sequence first
  void t1_wtx_requests(int count, std::uint8_t multiplier);  // S(WTX) before the next answer
  void t1_corrupt_next_block();  // bad LRC once: the host must ask again
  void unplug_on_next_xfr(EmulatedUsbDevice* device);
  // Hostile T=1 cards. Each runs `count` times (a large count is "forever").
  void t1_ifs_requests(int count);          // S(IFS request) answers every block
  void t1_empty_chained_blocks(int count);  // empty I-blocks with M set before the answer
  // Answers in pieces of `size` bytes, each after an S(WTX) request when `wtx_before_each`.
  void t1_answer_in_pieces(std::size_t size, bool wtx_before_each);
  // The reader takes this long over every command (a slow or stalling reader).
  void delay_each_command(std::chrono::milliseconds delay);
  // The next GetSlotStatus fails ("command failed", this bError) with the slot bits as now.
  void fail_next_slot_status(std::uint8_t error);
  // The interrupt endpoint STALLs, and stays halted until the host clears it.
  void halt_interrupt_endpoint();
  void halt_cleared(std::uint8_t endpoint) override;
  std::size_t interrupt_pending() const;

  // Observations.
  int t1_protocol_set() const { return m_protocol_set; }
  int xfr_blocks() const { return m_xfr_blocks; }
  int stalls() const { return m_stalls; }
  int aborts() const { return m_aborts; }
  std::size_t largest_apdu() const { return m_largest_apdu; }
  int wtx_answered() const { return m_wtx_answered; }
  std::uint8_t negotiated_ifsd() const { return m_ifsd; }

 private:
  void answer(std::uint8_t type, std::uint8_t sequence, std::uint8_t status, std::uint8_t error,
              std::uint8_t specific, ByteView payload);
  std::uint8_t icc_status() const;
  void xfr_block(std::uint8_t sequence, std::uint16_t level, ByteView data);
  void t1_block(std::uint8_t sequence, ByteView data);
  void t1_send(std::uint8_t sequence, Bytes block);
  void t1_send_response_chunk(std::uint8_t sequence);

  FakeCcidConfig m_config;
  mutable std::mutex m_mutex;
  std::optional<SimulatedCard> m_card;
  bool m_powered = false;
  std::deque<Bytes> m_bulk_in;
  std::deque<Bytes> m_interrupt_in;
  int m_stall_next = 0;
  int m_ignore_next = 0;
  int m_time_extensions = 0;
  bool m_stale_next = false;
  EmulatedUsbDevice* m_unplug_on_xfr = nullptr;
  // APDU-level chaining state.
  Bytes m_command_chain;
  Bytes m_response_rest;
  // Card-side T=1 state.
  int m_card_send_sequence = 0;
  int m_card_receive_sequence = 0;
  std::uint8_t m_ifsd = 32;
  Bytes m_t1_command;
  Bytes m_t1_response;
  std::size_t m_t1_response_sent = 0;
  Bytes m_t1_last_block;
  int m_wtx_pending = 0;
  std::uint8_t m_wtx_multiplier = 1;
  bool m_corrupt_next = false;
  int m_ifs_flood = 0;
  int m_empty_chain = 0;
  std::size_t m_piece_size = 0;  // 0: IFSD-sized pieces
  bool m_wtx_every_piece = false;
  std::atomic<int> m_delay_ms = 0;
  std::chrono::steady_clock::time_point m_answers_not_before{};
  std::optional<std::uint8_t> m_fail_slot_status;
  bool m_interrupt_halted = false;
  // Observations.
  std::atomic<int> m_protocol_set = -1;
  std::atomic<int> m_xfr_blocks = 0;
  std::atomic<int> m_stalls = 0;
  std::atomic<int> m_aborts = 0;
  std::optional<std::uint8_t> m_abort_requested;  // bSeq of a control ABORT awaiting its bulk half
  std::atomic<std::size_t> m_largest_apdu = 0;
  std::atomic<int> m_wtx_answered = 0;
};

}  // namespace shubbak::testing
