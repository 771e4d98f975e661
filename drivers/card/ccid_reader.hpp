// A CCID smart-card reader (USB class 0x0B) on a UsbDevice: slot status and card-change
// notifications, power on with ATR, and APDU exchange at whichever level the reader works:
// APDU (short or extended, with CCID chaining) or TPDU (T=1 blocks or T=0).
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>

#include "drivers/card/card_reader.hpp"
#include "drivers/card/ccid_descriptor.hpp"
#include "drivers/card/t1_protocol.hpp"
#include "drivers/usb/usb_device.hpp"
#include "kiosk/core/log.hpp"

namespace shubbak {

struct CcidOptions {
  std::chrono::milliseconds command_timeout{3000};  // per bulk read
  int max_time_extensions = 20;  // reader's "time extension requested" answers per command
  // The most one read may take: power-on, or one APDU with all its T=1 blocks, waiting-time
  // and reader time extensions. Nothing the card or reader says extends it; set_deadline()
  // can only shorten it. A read that runs out is then aborted (at most k_abort_budget).
  std::chrono::milliseconds max_read_time{10000};
};

class CcidReader final : public CardReader {
 public:
  // The CCID abort after a command timed out or ran past its deadline, all steps together.
  static constexpr std::chrono::milliseconds k_abort_budget{1000};
  // Powering off after the caller's deadline passed (a read that ran out) is this quick.
  static constexpr std::chrono::milliseconds k_power_off_after_deadline{500};

  // Finds the CCID interface, applies the quirks table, claims it.
  static Expected<std::unique_ptr<CcidReader>> open(std::unique_ptr<UsbDevice> device, Log log,
                                                    CcidOptions options = {});
  ~CcidReader() override;
  CcidReader(const CcidReader&) = delete;
  CcidReader& operator=(const CcidReader&) = delete;

  std::string describe() const override;
  Expected<IccStatus> slot_status() override;
  Expected<Atr> power_on() override;
  Expected<void> power_off() override;
  Expected<ResponseApdu> transmit_raw(const CommandApdu& command) override;
  Expected<std::optional<bool>> wait_for_card_change(std::chrono::milliseconds timeout) override;
  void set_deadline(std::optional<std::chrono::steady_clock::time_point> deadline) override;
  std::chrono::milliseconds cleanup_reserve() const override {
    return k_abort_budget + k_power_off_after_deadline;
  }
  std::uint32_t max_response_length() const override;
  bool extended_apdus() const override;

  const CcidDescriptor& descriptor() const { return m_descriptor; }
  int protocol() const { return m_protocol; }
  bool quirk_applied() const { return m_quirk != nullptr; }

 private:
  CcidReader(std::unique_ptr<UsbDevice> device, Log log, CcidOptions options);

  Expected<CcidResponse> command(std::uint8_t type, std::array<std::uint8_t, 3> specific,
                                 ByteView payload, std::string_view what);
  Expected<Bytes> xfr_block(ByteView data, std::uint8_t bwi, std::string_view what);
  Expected<Bytes> xfr_block_chained(ByteView data, std::string_view what);
  Expected<void> set_parameters(const Atr& atr);
  Expected<ResponseApdu> transmit_t0(const CommandApdu& command);
  void note_failure(const Error& error, std::uint8_t endpoint);
  // Starts one read's clock (with m_mutex held): now + max_read_time, or the caller's deadline.
  void start_read();
  // After a command timed out: the CCID abort sequence (class request ABORT on the control
  // endpoint, then PC_to_RDR_Abort on bulk), so the reader stops working on it.
  void abort_command(std::uint8_t sequence);

  std::unique_ptr<UsbDevice> m_device;
  Log m_log;
  CcidOptions m_options;
  CcidDescriptor m_descriptor;
  const CcidQuirk* m_quirk = nullptr;
  std::uint8_t m_interface = 0;
  std::uint8_t m_bulk_out = 0;
  std::uint8_t m_bulk_in = 0;
  std::uint8_t m_interrupt_in = 0;  // 0: the reader has none; slot status is polled
  std::mutex m_mutex;               // one bulk command at a time
  std::uint8_t m_sequence = 0;
  Bytes m_read_buffer;  // wiped after every answer
  int m_protocol = -1;
  std::optional<T1Protocol> m_t1;
  std::atomic<bool> m_gone = false;    // read by the presence thread too
  std::optional<bool> m_last_present;  // for polled card-change detection
  std::optional<std::chrono::steady_clock::time_point> m_caller_deadline;  // under m_mutex
  std::chrono::steady_clock::time_point m_read_deadline;                   // under m_mutex
  bool m_late_cleanup = false;  // powering off after the caller's deadline: no abort
};

}  // namespace shubbak
