#include "drivers/card/ccid_message.hpp"

#include <fmt/format.h>

namespace shubbak {

std::string_view to_string(IccStatus status) {
  switch (status) {
    case IccStatus::active:
      return "card present and powered";
    case IccStatus::present_inactive:
      return "card present, not powered";
    case IccStatus::absent:
      return "no card";
  }
  return "?";
}

Bytes encode_ccid_command(std::uint8_t type, std::uint8_t slot, std::uint8_t sequence,
                          std::array<std::uint8_t, 3> specific, ByteView payload) {
  Bytes out;
  out.reserve(ccid::k_header_size + payload.size());
  out.push_back(type);
  append_le32(out, static_cast<std::uint32_t>(payload.size()));
  out.push_back(slot);
  out.push_back(sequence);
  out.insert(out.end(), specific.begin(), specific.end());
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

IccStatus CcidResponse::icc_status() const {
  switch (status & 0x03) {
    case 0:
      return IccStatus::active;
    case 1:
      return IccStatus::present_inactive;
    default:
      return IccStatus::absent;
  }
}

Expected<CcidResponse> parse_ccid_response(ByteView b) {
  if (b.size() < ccid::k_header_size) {
    return fail(Errc::device,
                fmt::format("CCID: answer of {} bytes, shorter than its header", b.size()));
  }
  CcidResponse r;
  r.type = b[0];
  std::uint32_t length = read_le32(b, 1);
  if (r.type != ccid::k_data_block && r.type != ccid::k_slot_status &&
      r.type != ccid::k_parameters && r.type != 0x83 && r.type != 0x84) {
    return fail(Errc::device, fmt::format("CCID: unknown answer type {:02X}", r.type));
  }
  if (length != b.size() - ccid::k_header_size) {
    return fail(Errc::device, fmt::format("CCID: header says {} payload bytes, {} arrived", length,
                                          b.size() - ccid::k_header_size));
  }
  r.slot = b[5];
  r.sequence = b[6];
  r.status = b[7];
  r.error = b[8];
  r.specific = b[9];
  r.payload.assign(b.begin() + ccid::k_header_size, b.end());
  return r;
}

Error ccid_command_error(const CcidResponse& r, std::string_view what) {
  if (r.icc_status() == IccStatus::absent)
    return Error{Errc::not_found, fmt::format("{}: no card in the reader", what)};
  const char* reason = nullptr;
  Errc code = Errc::device;
  switch (r.error) {
    case 0xFF:
      reason = "command aborted";
      code = Errc::cancelled;
      break;
    case 0xFE:
      reason = "card is mute (no answer in time)";
      code = Errc::timeout;
      break;
    case 0xFD:
      reason = "parity error";
      break;
    case 0xFC:
      reason = "overrun";
      break;
    case 0xFB:
      reason = "hardware error";
      break;
    case 0xF8:
      reason = "bad ATR TS";
      break;
    case 0xF7:
      reason = "bad ATR TCK";
      break;
    case 0xF6:
      reason = "protocol not supported";
      code = Errc::unsupported;
      break;
    case 0xF5:
      reason = "class not supported";
      code = Errc::unsupported;
      break;
    case 0xF4:
      reason = "procedure byte conflict";
      break;
    case 0xF3:
      reason = "deactivated protocol";
      break;
    case 0xF2:
      reason = "busy with auto sequence";
      break;
    case 0xF0:
      reason = "PIN timeout";
      code = Errc::timeout;
      break;
    case 0xEF:
      reason = "PIN cancelled";
      code = Errc::cancelled;
      break;
    case 0xE0:
      reason = "slot busy";
      break;
    case 0x00:
      reason = "command not supported";
      code = Errc::unsupported;
      break;
    default:
      break;
  }
  if (reason == nullptr) {
    return Error{Errc::device, fmt::format("{}: reader refused, bError {:02X}", what, r.error)};
  }
  return Error{code, fmt::format("{}: {}", what, reason)};
}

Expected<std::vector<SlotChange>> parse_notify_slot_change(ByteView b) {
  if (b.empty()) return fail(Errc::device, "CCID interrupt: empty message");
  if (b[0] == ccid::k_hardware_error) {
    return fail(Errc::device,
                b.size() >= 4 ? fmt::format("CCID: hardware error {:02X} in slot {}", b[3], b[1])
                              : std::string("CCID: hardware error"));
  }
  if (b[0] != ccid::k_notify_slot_change) {
    return fail(Errc::device, fmt::format("CCID interrupt: unknown message {:02X}", b[0]));
  }
  if (b.size() < 2) return fail(Errc::device, "CCID interrupt: NotifySlotChange without slot bits");
  std::vector<SlotChange> changes;
  for (std::size_t i = 1; i < b.size(); ++i) {
    for (int pair = 0; pair < 4; ++pair) {
      std::uint8_t bits = static_cast<std::uint8_t>((b[i] >> (pair * 2)) & 0x03);
      changes.push_back(
          SlotChange{static_cast<std::uint8_t>((i - 1) * 4 + static_cast<std::size_t>(pair)),
                     (bits & 1) != 0, (bits & 2) != 0});
    }
  }
  return changes;
}

}  // namespace shubbak
