// CCID bulk and interrupt messages (USB CCID 1.1 section 6): encoding what the host sends and
// checking what the reader answers, including the sequence number that pairs them.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "kiosk/core/bytes.hpp"
#include "kiosk/core/error.hpp"

namespace shubbak {

namespace ccid {
inline constexpr std::uint8_t k_icc_power_on = 0x62;
inline constexpr std::uint8_t k_icc_power_off = 0x63;
inline constexpr std::uint8_t k_get_slot_status = 0x65;
inline constexpr std::uint8_t k_set_parameters = 0x61;
inline constexpr std::uint8_t k_xfr_block = 0x6F;
inline constexpr std::uint8_t k_abort = 0x72;

inline constexpr std::uint8_t k_data_block = 0x80;
inline constexpr std::uint8_t k_slot_status = 0x81;
inline constexpr std::uint8_t k_parameters = 0x82;

inline constexpr std::uint8_t k_notify_slot_change = 0x50;
inline constexpr std::uint8_t k_hardware_error = 0x51;

inline constexpr std::size_t k_header_size = 10;
}  // namespace ccid

enum class IccStatus { active, present_inactive, absent };
std::string_view to_string(IccStatus status);

// One PC_to_RDR message: 10-byte header and payload.
Bytes encode_ccid_command(std::uint8_t type, std::uint8_t slot, std::uint8_t sequence,
                          std::array<std::uint8_t, 3> specific, ByteView payload = {});

struct CcidResponse {
  std::uint8_t type = 0;
  std::uint8_t slot = 0;
  std::uint8_t sequence = 0;
  std::uint8_t status = 0;    // bStatus
  std::uint8_t error = 0;     // bError
  std::uint8_t specific = 0;  // bChainParameter, bClockStatus or bProtocolNum
  Bytes payload;

  IccStatus icc_status() const;
  bool failed() const { return (status >> 6) == 1; }
  bool time_extension() const { return (status >> 6) == 2; }
};

// Parses an RDR_to_PC message; checks the length field against the bytes received.
Expected<CcidResponse> parse_ccid_response(ByteView bytes);

// The error a failed command carries ("card is mute", "slot busy", ...), with its Errc.
Error ccid_command_error(const CcidResponse& response, std::string_view what);

// RDR_to_PC_NotifySlotChange: for each slot, whether a card is present and whether it changed.
struct SlotChange {
  std::uint8_t slot;
  bool present;
  bool changed;
};
Expected<std::vector<SlotChange>> parse_notify_slot_change(ByteView bytes);

}  // namespace shubbak
