#include "drivers/card/apdu.hpp"

#include <fmt/format.h>

namespace shubbak {

Expected<Bytes> CommandApdu::encode(bool extended_allowed) const {
  if (data.size() > 65535) return fail(Errc::invalid_argument, "APDU: more than 65535 data bytes");
  if (le && (*le == 0 || *le > k_max_extended_le)) {
    return fail(Errc::invalid_argument, fmt::format("APDU: Le {} is outside 1..65536", *le));
  }
  bool extended = needs_extended();
  if (extended && !extended_allowed) {
    return fail(Errc::unsupported, "APDU: needs extended length, which this reader or card lacks");
  }
  Bytes out{cla, ins, p1, p2};
  if (!data.empty()) {
    if (extended) {
      out.push_back(0x00);
      out.push_back(static_cast<std::uint8_t>(data.size() >> 8));
    }
    out.push_back(static_cast<std::uint8_t>(data.size() & 0xFF));
    out.insert(out.end(), data.begin(), data.end());
  }
  if (le) {
    if (extended) {
      if (data.empty()) out.push_back(0x00);
      std::uint32_t wire = *le == k_max_extended_le ? 0 : *le;
      out.push_back(static_cast<std::uint8_t>(wire >> 8));
      out.push_back(static_cast<std::uint8_t>(wire & 0xFF));
    } else {
      out.push_back(static_cast<std::uint8_t>(*le == k_max_short_le ? 0 : *le));
    }
  }
  return out;
}

Expected<CommandApdu> parse_command_apdu(ByteView b) {
  if (b.size() < 4) return fail(Errc::parse, "APDU: shorter than its 4-byte header");
  CommandApdu c{b[0], b[1], b[2], b[3], {}, std::nullopt};
  std::size_t n = b.size() - 4;
  auto body = b.subspan(4);
  if (n == 0) return c;  // case 1
  if (n == 1) {          // case 2 short
    c.le = body[0] == 0 ? k_max_short_le : body[0];
    return c;
  }
  if (body[0] != 0) {  // short cases 3 and 4
    std::size_t lc = body[0];
    if (n == 1 + lc) {
      c.data.assign(body.begin() + 1, body.end());
      return c;
    }
    if (n == 2 + lc) {
      c.data.assign(body.begin() + 1, body.end() - 1);
      c.le = body[n - 1] == 0 ? k_max_short_le : body[n - 1];
      return c;
    }
    return fail(Errc::parse, fmt::format("APDU: Lc {} does not match {} body bytes", lc, n));
  }
  // Extended: a zero byte then two length bytes at least.
  if (n < 3) return fail(Errc::parse, fmt::format("APDU: {} body bytes after a zero byte", n));
  if (n == 3) {  // case 2 extended
    std::uint32_t le = static_cast<std::uint32_t>((body[1] << 8) | body[2]);
    c.le = le == 0 ? k_max_extended_le : le;
    return c;
  }
  std::size_t lc = static_cast<std::size_t>((body[1] << 8) | body[2]);
  if (lc == 0) return fail(Errc::parse, "APDU: extended Lc of zero");
  if (n == 3 + lc) {
    c.data.assign(body.begin() + 3, body.end());
    return c;
  }
  if (n == 5 + lc) {
    c.data.assign(body.begin() + 3, body.end() - 2);
    std::uint32_t le = static_cast<std::uint32_t>((body[n - 2] << 8) | body[n - 1]);
    c.le = le == 0 ? k_max_extended_le : le;
    return c;
  }
  return fail(Errc::parse, fmt::format("APDU: extended Lc {} does not match {} body bytes", lc, n));
}

Expected<ResponseApdu> parse_response_apdu(ByteView bytes) {
  if (bytes.size() < 2)
    return fail(Errc::parse, fmt::format("response of {} bytes has no status word", bytes.size()));
  ResponseApdu r;
  r.data.assign(bytes.begin(), bytes.end() - 2);
  r.sw = static_cast<std::uint16_t>((bytes[bytes.size() - 2] << 8) | bytes[bytes.size() - 1]);
  return r;
}

Bytes encode_response(const ResponseApdu& response) {
  Bytes out = response.data;
  out.push_back(response.sw1());
  out.push_back(response.sw2());
  return out;
}

std::string describe_status_word(std::uint16_t sw) {
  const char* text = nullptr;
  switch (sw) {
    case 0x9000:
      text = "success";
      break;
    case 0x6282:
      text = "end of file reached before Le bytes";
      break;
    case 0x6283:
      text = "selected file deactivated";
      break;
    case 0x6581:
      text = "memory failure";
      break;
    case 0x6700:
      text = "wrong length";
      break;
    case 0x6881:
      text = "logical channel not supported";
      break;
    case 0x6882:
      text = "secure messaging not supported";
      break;
    case 0x6981:
      text = "command incompatible with file structure";
      break;
    case 0x6982:
      text = "security status not satisfied";
      break;
    case 0x6983:
      text = "authentication method blocked";
      break;
    case 0x6985:
      text = "conditions of use not satisfied";
      break;
    case 0x6986:
      text = "command not allowed (no current EF)";
      break;
    case 0x6A80:
      text = "incorrect data field";
      break;
    case 0x6A81:
      text = "function not supported";
      break;
    case 0x6A82:
      text = "file or application not found";
      break;
    case 0x6A83:
      text = "record not found";
      break;
    case 0x6A86:
      text = "incorrect P1 P2";
      break;
    case 0x6A88:
      text = "referenced data not found";
      break;
    case 0x6B00:
      text = "wrong parameters (offset outside the EF)";
      break;
    case 0x6D00:
      text = "instruction not supported";
      break;
    case 0x6E00:
      text = "class not supported";
      break;
    case 0x6F00:
      text = "no precise diagnosis";
      break;
    default:
      break;
  }
  if (text == nullptr) {
    switch (sw >> 8) {
      case 0x61:
        return fmt::format("{:04X} {} more bytes available", sw, (sw & 0xFF) ? (sw & 0xFF) : 256);
      case 0x6C:
        return fmt::format("{:04X} wrong Le, exact length {}", sw, (sw & 0xFF) ? (sw & 0xFF) : 256);
      case 0x63:
        return fmt::format("{:04X} warning (non-volatile memory changed)", sw);
      case 0x64:
        return fmt::format("{:04X} execution error", sw);
      default:
        return fmt::format("{:04X} unknown status", sw);
    }
  }
  return fmt::format("{:04X} {}", sw, text);
}

Errc errc_for_status_word(std::uint16_t sw) {
  switch (sw) {
    case 0x6A82:
    case 0x6A83:
    case 0x6A88:
      return Errc::not_found;
    case 0x6982:
    case 0x6983:
    case 0x6985:
    case 0x6986:
    case 0x6881:
    case 0x6882:
    case 0x6A81:
    case 0x6D00:
    case 0x6E00:
      return Errc::unsupported;
    case 0x6700:
    case 0x6A80:
    case 0x6A86:
    case 0x6B00:
      return Errc::invalid_argument;
    default:
      return Errc::device;
  }
}

Expected<void> check_status(const ResponseApdu& response, std::string_view what) {
  if (response.usable()) return {};
  return fail(errc_for_status_word(response.sw),
              fmt::format("{}: card answered {}", what, describe_status_word(response.sw)));
}

}  // namespace shubbak
