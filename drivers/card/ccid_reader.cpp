#include "drivers/card/ccid_reader.hpp"

#include <algorithm>
#include <thread>

#include <fmt/format.h>

namespace shubbak {

CcidReader::CcidReader(std::unique_ptr<UsbDevice> device, Log log, CcidOptions options)
    : m_device(std::move(device)), m_log(std::move(log)), m_options(options) {}

CcidReader::~CcidReader() {
  if (!m_gone && m_protocol >= 0) (void)power_off();
  secure_wipe(m_read_buffer);
}

Expected<std::unique_ptr<CcidReader>> CcidReader::open(std::unique_ptr<UsbDevice> device, Log log,
                                                       CcidOptions options) {
  const UsbDeviceInfo& info = device->info();
  const UsbInterfaceInfo* interface = info.find_interface(usb_class::k_smart_card);
  if (interface == nullptr) {
    return fail(Errc::unsupported,
                fmt::format("{} has no smart-card (CCID) interface", info.describe()));
  }
  auto descriptor = find_ccid_descriptor(interface->extra);
  if (!descriptor) {
    return fail(descriptor.error().code,
                fmt::format("{}: {}", info.describe(), descriptor.error().message));
  }
  std::unique_ptr<CcidReader> reader(new CcidReader(std::move(device), std::move(log), options));
  reader->m_descriptor = *descriptor;
  reader->m_quirk = apply_ccid_quirks(info.vendor_id, info.product_id, reader->m_descriptor);
  if (reader->m_quirk)
    reader->m_log.info("{}: quirk applied: {}", info.describe(), reader->m_quirk->why);
  // The standard bounds dwMaxCCIDMessageLength to 271..65544; anything else is a lie we clamp.
  reader->m_descriptor.max_message_length = std::clamp<std::uint32_t>(
      reader->m_descriptor.max_message_length, CcidDescriptor::k_min_message_length, 65544);
  for (const auto& ep : interface->endpoints) {
    if (ep.is_bulk() && ep.is_in()) reader->m_bulk_in = ep.address;
    if (ep.is_bulk() && !ep.is_in()) reader->m_bulk_out = ep.address;
    if (ep.is_interrupt() && ep.is_in()) reader->m_interrupt_in = ep.address;
  }
  if (reader->m_bulk_in == 0 || reader->m_bulk_out == 0) {
    return fail(Errc::device,
                fmt::format("{}: CCID interface lacks bulk endpoints", info.describe()));
  }
  if (reader->m_descriptor.exchange_level() == ExchangeLevel::character) {
    return fail(Errc::unsupported,
                fmt::format("{}: character-level readers are not supported", info.describe()));
  }
  reader->m_interface = interface->number;
  if (auto claimed = reader->m_device->claim_interface(interface->number); !claimed) {
    return std::unexpected(claimed.error());
  }
  reader->m_read_buffer.resize(reader->m_descriptor.max_message_length);
  reader->m_log.info(
      "{}: CCID {:x}.{:02x}, {} level, messages up to {} bytes, protocols {}{}", info.describe(),
      reader->m_descriptor.bcd_ccid >> 8, reader->m_descriptor.bcd_ccid & 0xFF,
      to_string(reader->m_descriptor.exchange_level()), reader->m_descriptor.max_message_length,
      reader->m_descriptor.supports_t0() ? "T=0 " : "",
      reader->m_descriptor.supports_t1() ? "T=1" : "");
  return reader;
}

std::string CcidReader::describe() const {
  return fmt::format("ccid://{}", m_device->info().describe());
}

void CcidReader::note_failure(const Error& error, std::uint8_t endpoint) {
  if (error.code == Errc::not_found) {
    m_gone = true;
    m_t1.reset();
    m_protocol = -1;
    m_log.warn("{}: reader unplugged", m_device->info().describe());
    return;
  }
  if (error.code == Errc::device) {
    // A STALL leaves the endpoint halted until cleared; clear it so the next command can go.
    if (auto cleared = m_device->clear_halt(endpoint); !cleared) {
      m_log.warn("clearing halt on {:02x}: {}", endpoint, cleared.error().describe());
    }
  }
}

Expected<CcidResponse> CcidReader::command(std::uint8_t type, std::array<std::uint8_t, 3> specific,
                                           ByteView payload, std::string_view what) {
  if (m_gone) return fail(Errc::not_found, fmt::format("{}: the reader was unplugged", what));
  auto left = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(m_read_deadline -
                                                                 std::chrono::steady_clock::now());
  };
  auto past_deadline = [&] {
    return fail(Errc::timeout, fmt::format("{}: the read ran out of time", what));
  };
  if (left().count() <= 0) return past_deadline();
  if (payload.size() + ccid::k_header_size > m_descriptor.max_message_length) {
    return fail(Errc::invalid_argument,
                fmt::format("{}: {} bytes exceed the reader's {}-byte messages", what,
                            payload.size() + ccid::k_header_size, m_descriptor.max_message_length));
  }
  std::uint8_t sequence = m_sequence++;
  Bytes message = encode_ccid_command(type, 0, sequence, specific, payload);
  auto written =
      m_device->bulk_write(m_bulk_out, message, std::min(m_options.command_timeout, left()));
  secure_wipe(message);
  if (!written) {
    note_failure(written.error(), m_bulk_out);
    return fail(written.error().code, fmt::format("{}: {}", what, written.error().message));
  }
  int stale = 0;
  int extensions = 0;
  while (true) {
    // Each wait is the command timeout, cut to what is left of the read: time extensions,
    // stale answers and slow readers all end at the deadline.
    auto wait = std::min(m_options.command_timeout, left());
    if (wait.count() <= 0) {
      if (!m_late_cleanup) abort_command(sequence);
      return past_deadline();
    }
    auto read = m_device->bulk_read(m_bulk_in, m_read_buffer, wait);
    if (!read) {
      note_failure(read.error(), m_bulk_in);
      if (read.error().code == Errc::timeout && !m_late_cleanup) abort_command(sequence);
      if (read.error().code == Errc::timeout && left().count() <= 0) return past_deadline();
      return fail(read.error().code, fmt::format("{}: {}", what, read.error().message));
    }
    auto response = parse_ccid_response(ByteView(m_read_buffer).first(*read));
    secure_wipe(m_read_buffer.data(), *read);
    if (!response)
      return fail(response.error().code, fmt::format("{}: {}", what, response.error().message));
    if (response->sequence != sequence) {
      // An answer to an earlier command that timed out: drop it and read on.
      m_log.warn("{}: dropping an answer with sequence {} (expected {})", what, response->sequence,
                 sequence);
      if (++stale > 4) {
        abort_command(sequence);
        return fail(Errc::device, fmt::format("{}: reader answers out of sequence", what));
      }
      continue;
    }
    if (response->time_extension()) {
      if (++extensions > m_options.max_time_extensions) {
        // The reader is still working on it: stop it, or its answer meets the next command.
        abort_command(sequence);
        return fail(Errc::timeout, fmt::format("{}: card still busy after {} time extensions", what,
                                               extensions - 1));
      }
      continue;
    }
    if (response->slot != 0)
      return fail(Errc::device, fmt::format("{}: answer for slot {}", what, response->slot));
    return response;
  }
}

void CcidReader::abort_command(std::uint8_t sequence) {
  // The whole abort, not each step, is bounded: it runs after a read's deadline too.
  auto until = std::chrono::steady_clock::now() + k_abort_budget;
  auto left = [&] {
    return std::max(std::chrono::milliseconds(1),
                    std::chrono::duration_cast<std::chrono::milliseconds>(
                        until - std::chrono::steady_clock::now()));
  };
  std::span<std::uint8_t> no_data;
  // CCID 1.1 section 5.3.1: ABORT, wValue = bSeq << 8 | bSlot.
  auto requested = m_device->control_transfer(
      {0x21, 0x01, static_cast<std::uint16_t>(sequence << 8), m_interface}, no_data, left());
  if (!requested) {
    m_log.warn("abort of command {} refused: {}", sequence, requested.error().message);
    return;
  }
  Bytes message = encode_ccid_command(ccid::k_abort, 0, sequence, {0, 0, 0});
  if (!m_device->bulk_write(m_bulk_out, message, left())) return;
  // The reader answers the abort with a SlotStatus of the same sequence; answers to the
  // aborted command may come first.
  for (int i = 0; i < 4 && std::chrono::steady_clock::now() < until; ++i) {
    auto read = m_device->bulk_read(m_bulk_in, m_read_buffer, left());
    if (!read) return;
    auto response = parse_ccid_response(ByteView(m_read_buffer).first(*read));
    secure_wipe(m_read_buffer.data(), *read);
    if (response && response->type == ccid::k_slot_status && response->sequence == sequence) {
      m_log.info("command {} aborted", sequence);
      return;
    }
  }
}

void CcidReader::set_deadline(std::optional<std::chrono::steady_clock::time_point> deadline) {
  std::lock_guard lock(m_mutex);
  m_caller_deadline = deadline;
}

void CcidReader::start_read() {
  m_read_deadline = std::chrono::steady_clock::now() + m_options.max_read_time;
  if (m_caller_deadline) m_read_deadline = std::min(m_read_deadline, *m_caller_deadline);
}

Expected<IccStatus> CcidReader::slot_status() {
  std::lock_guard lock(m_mutex);
  start_read();
  auto response = command(ccid::k_get_slot_status, {0, 0, 0}, {}, "GetSlotStatus");
  if (!response) return std::unexpected(response.error());
  if (response->type != ccid::k_slot_status)
    return fail(Errc::device, "GetSlotStatus: wrong answer type");
  if (response->failed()) {
    // Readers answer "failed, card mute" or "failed" with the slot empty when there is no
    // card: that is a reading. Any other failure is an error, never "card present": the slot
    // bits of a failed command say nothing reliable.
    if (response->icc_status() == IccStatus::absent) return IccStatus::absent;
    if (response->error == 0xFE) return IccStatus::present_inactive;
    return std::unexpected(ccid_command_error(*response, "GetSlotStatus"));
  }
  return response->icc_status();
}

Expected<Atr> CcidReader::power_on() {
  std::lock_guard lock(m_mutex);
  start_read();
  m_t1.reset();
  m_protocol = -1;
  auto response = command(ccid::k_icc_power_on, {0, 0, 0}, {}, "IccPowerOn");
  if (!response) return std::unexpected(response.error());
  if (response->type != ccid::k_data_block)
    return fail(Errc::device, "IccPowerOn: wrong answer type");
  if (response->failed()) return std::unexpected(ccid_command_error(*response, "IccPowerOn"));
  auto atr = parse_atr(response->payload);
  if (!atr) return std::unexpected(atr.error());
  if (m_descriptor.exchange_level() == ExchangeLevel::tpdu) {
    auto specific = atr->specific_mode_protocol();
    bool t1 = specific ? *specific == 1 : (atr->offers(1) && m_descriptor.supports_t1());
    m_protocol = t1 ? 1 : 0;
    if ((t1 && !m_descriptor.supports_t1()) || (!t1 && !m_descriptor.supports_t0())) {
      return fail(Errc::unsupported,
                  fmt::format("card needs T={}, which the reader lacks", m_protocol));
    }
    if (t1 && atr->t1_uses_crc()) {
      // Cards that insist on CRC at TPDU level are rare; refuse them plainly rather than garble.
      return fail(Errc::unsupported,
                  "card asks for T=1 with CRC; only LRC is supported at TPDU level");
    }
    if (!m_descriptor.automatic_parameters()) {
      if (auto set = set_parameters(*atr); !set) return std::unexpected(set.error());
    }
    if (t1) {
      auto ifsd =
          static_cast<std::uint8_t>(std::clamp<std::uint32_t>(m_descriptor.max_ifsd, 1, 254));
      m_t1.emplace(
          [this](ByteView block, std::uint8_t bwi) { return xfr_block(block, bwi, "T=1 block"); },
          atr->t1_ifsc(), ifsd);
      if (!m_descriptor.automatic_ifsd()) {
        if (auto negotiated = m_t1->negotiate_ifsd(); !negotiated)
          return std::unexpected(negotiated.error());
      }
    }
  } else {
    m_protocol = atr->first_protocol();
  }
  m_log.info("card powered: {} ATR bytes, T={}", atr->raw.size(), m_protocol);
  return atr;
}

Expected<void> CcidReader::set_parameters(const Atr& atr) {
  Bytes data;
  if (m_protocol == 1) {
    data = {atr.fi_di(),
            static_cast<std::uint8_t>(0x10 | (atr.t1_uses_crc() ? 1 : 0)),
            atr.extra_guard_time(),
            atr.t1_bwi_cwi(),
            0x00,
            atr.t1_ifsc(),
            0x00};
  } else {
    data = {atr.fi_di(), 0x00, atr.extra_guard_time(), atr.t0_waiting_integer(), 0x00};
  }
  auto response = command(ccid::k_set_parameters, {static_cast<std::uint8_t>(m_protocol), 0, 0},
                          data, "SetParameters");
  if (!response) return std::unexpected(response.error());
  if (response->failed()) return std::unexpected(ccid_command_error(*response, "SetParameters"));
  return {};
}

Expected<void> CcidReader::power_off() {
  std::lock_guard lock(m_mutex);
  // Exempt from the caller's deadline, so a read that ran out still leaves the card unpowered,
  // but then quick: the caller's limit keeps k_power_off_after_deadline in reserve for it.
  auto now = std::chrono::steady_clock::now();
  bool late = m_caller_deadline && now >= *m_caller_deadline;
  m_read_deadline = now + (late ? k_power_off_after_deadline : m_options.command_timeout);
  m_t1.reset();
  m_protocol = -1;
  // Late, an unanswered power-off is not aborted as well: the next command drops its answer.
  m_late_cleanup = late;
  auto response = command(ccid::k_icc_power_off, {0, 0, 0}, {}, "IccPowerOff");
  m_late_cleanup = false;
  if (!response) return std::unexpected(response.error());
  return {};
}

Expected<Bytes> CcidReader::xfr_block(ByteView data, std::uint8_t bwi, std::string_view what) {
  auto response = command(ccid::k_xfr_block, {bwi, 0, 0}, data, what);
  if (!response) return std::unexpected(response.error());
  if (response->type != ccid::k_data_block)
    return fail(Errc::device, fmt::format("{}: wrong answer type", what));
  if (response->failed()) return std::unexpected(ccid_command_error(*response, what));
  return std::move(response->payload);
}

Expected<Bytes> CcidReader::xfr_block_chained(ByteView data, std::string_view what) {
  // Extended APDU level: commands longer than one message go in pieces (wLevelParameter 1, 3,
  // ..., 2) and long answers come back in pieces (bChainParameter 1, 3, ..., 2).
  std::size_t room = m_descriptor.max_message_length - ccid::k_header_size;
  std::size_t offset = 0;
  Expected<CcidResponse> response = fail(Errc::internal, "nothing sent");
  do {
    std::size_t length = std::min(room, data.size() - offset);
    bool first = offset == 0;
    bool last = offset + length == data.size();
    std::uint8_t level = first ? (last ? 0x00 : 0x01) : (last ? 0x02 : 0x03);
    response = command(ccid::k_xfr_block, {0, level, 0}, data.subspan(offset, length), what);
    if (!response) return std::unexpected(response.error());
    if (response->failed()) return std::unexpected(ccid_command_error(*response, what));
    offset += length;
  } while (offset < data.size());
  Bytes collected = std::move(response->payload);
  int pieces = 0;
  while (response->specific == 0x01 || response->specific == 0x03) {
    if (++pieces > 300 || collected.size() > 65538) {
      secure_wipe(collected);
      return fail(Errc::device, fmt::format("{}: reader's chained answer does not end", what));
    }
    response = command(ccid::k_xfr_block, {0, 0x10, 0}, {}, what);
    if (!response || response->failed()) {
      secure_wipe(collected);
      if (!response) return std::unexpected(response.error());
      return std::unexpected(ccid_command_error(*response, what));
    }
    collected.insert(collected.end(), response->payload.begin(), response->payload.end());
    secure_wipe(response->payload);
  }
  return collected;
}

Expected<ResponseApdu> CcidReader::transmit_t0(const CommandApdu& c) {
  if (c.needs_extended()) return fail(Errc::unsupported, "T=0 carries no extended APDUs");
  // T=0 TPDU: header and P3. Case 4 goes as case 3; the card's 61xx then leads to GET RESPONSE.
  Bytes tpdu{c.cla, c.ins, c.p1, c.p2};
  if (!c.data.empty()) {
    tpdu.push_back(static_cast<std::uint8_t>(c.data.size()));
    tpdu.insert(tpdu.end(), c.data.begin(), c.data.end());
  } else {
    tpdu.push_back(c.le ? static_cast<std::uint8_t>(*c.le == k_max_short_le ? 0 : *c.le) : 0);
  }
  auto answer = xfr_block(tpdu, 0, "T=0 TPDU");
  secure_wipe(tpdu);
  if (!answer) return std::unexpected(answer.error());
  auto response = parse_response_apdu(*answer);
  secure_wipe(*answer);
  return response;
}

Expected<ResponseApdu> CcidReader::transmit_raw(const CommandApdu& command) {
  std::lock_guard lock(m_mutex);
  start_read();
  if (m_gone) return fail(Errc::not_found, "the reader was unplugged");
  if (m_protocol < 0) return fail(Errc::invalid_argument, "card is not powered");
  Expected<Bytes> answer = fail(Errc::internal, "no exchange");
  if (m_descriptor.exchange_level() == ExchangeLevel::tpdu) {
    if (m_protocol == 0) return transmit_t0(command);
    auto apdu = command.encode(true);
    if (!apdu) return std::unexpected(apdu.error());
    answer = m_t1->transceive(*apdu);
    secure_wipe(*apdu);
    if (!answer && m_t1) {
      // The card and we may no longer agree on T=1 sequence numbers: a new power-on is the
      // only clean start, so say so instead of sending the next APDU into the muddle.
      m_t1.reset();
      m_protocol = -1;
    }
  } else {
    auto apdu = command.encode(m_descriptor.exchange_level() == ExchangeLevel::extended_apdu);
    if (!apdu) return std::unexpected(apdu.error());
    answer = xfr_block_chained(*apdu, "XfrBlock");
    secure_wipe(*apdu);
  }
  if (!answer) return std::unexpected(answer.error());
  auto response = parse_response_apdu(*answer);
  secure_wipe(*answer);
  return response;
}

Expected<std::optional<bool>> CcidReader::wait_for_card_change(std::chrono::milliseconds timeout) {
  if (m_gone) return fail(Errc::not_found, "the reader was unplugged");
  if (m_interrupt_in == 0) {
    // No interrupt endpoint: poll the slot status.
    auto status = slot_status();
    if (!status) return std::unexpected(status.error());
    bool present = *status != IccStatus::absent;
    bool changed = m_last_present && *m_last_present != present;
    m_last_present = present;
    if (changed) return std::optional<bool>(present);
    std::this_thread::sleep_for(std::min(timeout, std::chrono::milliseconds(200)));
    return std::optional<bool>();
  }
  std::array<std::uint8_t, 16> message{};
  auto read = m_device->interrupt_read(m_interrupt_in, message, timeout);
  if (!read) {
    if (read.error().code == Errc::timeout) return std::optional<bool>();
    if (read.error().code == Errc::not_found) m_gone = true;
    if (read.error().code == Errc::device) {
      // A STALLed interrupt endpoint stays halted until cleared: clear it, or every later
      // wait fails the same way and card changes are never seen again.
      if (auto cleared = m_device->clear_halt(m_interrupt_in); !cleared)
        m_log.warn("clearing halt on {:02x}: {}", m_interrupt_in, cleared.error().describe());
    }
    return std::unexpected(read.error());
  }
  auto changes = parse_notify_slot_change(ByteView(message).first(*read));
  if (!changes) return std::unexpected(changes.error());
  for (const auto& change : *changes) {
    if (change.slot == 0 && change.changed) return std::optional<bool>(change.present);
  }
  return std::optional<bool>();
}

std::uint32_t CcidReader::max_response_length() const {
  return extended_apdus() ? 65536 : k_max_short_le;
}

bool CcidReader::extended_apdus() const {
  return m_descriptor.exchange_level() == ExchangeLevel::extended_apdu;
}

}  // namespace shubbak
