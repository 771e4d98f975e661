#include "drivers/card/atr.hpp"

#include <fmt/format.h>

namespace shubbak {

Expected<Atr> parse_atr(ByteView bytes) {
  if (bytes.size() < 2) return fail(Errc::parse, "ATR: shorter than TS and T0");
  if (bytes.size() > Atr::k_max_size) {
    return fail(Errc::parse, fmt::format("ATR: {} bytes, more than the 33 allowed", bytes.size()));
  }
  Atr atr;
  atr.raw.assign(bytes.begin(), bytes.end());
  switch (bytes[0]) {
    case 0x3B:
      atr.convention = Convention::direct;
      break;
    case 0x3F:
      atr.convention = Convention::inverse;
      break;
    default:
      return fail(Errc::parse, fmt::format("ATR: TS {:02X} is neither 3B nor 3F", bytes[0]));
  }
  atr.t0 = bytes[1];
  std::size_t at = 2;
  std::uint8_t y = atr.t0 >> 4;
  bool needs_tck = false;
  bool any_protocol = false;
  auto next = [&](const char* name) -> Expected<std::uint8_t> {
    if (at >= bytes.size()) return fail(Errc::parse, fmt::format("ATR: truncated before {}", name));
    return bytes[at++];
  };
  while (true) {
    Atr::InterfaceGroup group;
    if (y & 0x1) {
      auto b = next("TA");
      if (!b) return std::unexpected(b.error());
      group.ta = *b;
    }
    if (y & 0x2) {
      auto b = next("TB");
      if (!b) return std::unexpected(b.error());
      group.tb = *b;
    }
    if (y & 0x4) {
      auto b = next("TC");
      if (!b) return std::unexpected(b.error());
      group.tc = *b;
    }
    if (y & 0x8) {
      auto b = next("TD");
      if (!b) return std::unexpected(b.error());
      group.td = *b;
    }
    atr.groups.push_back(group);
    if (!group.td) break;
    int protocol = *group.td & 0x0F;
    // T=15 is not a protocol but announces global interface bytes.
    if (protocol != 15) {
      atr.protocols = static_cast<std::uint16_t>(atr.protocols | (1U << protocol));
      any_protocol = true;
    }
    if (protocol != 0) needs_tck = true;
    y = *group.td >> 4;
  }
  if (!any_protocol) atr.protocols = 1;  // no TD1: T=0 only
  std::size_t historical_count = atr.t0 & 0x0F;
  if (at + historical_count > bytes.size()) {
    return fail(Errc::parse, fmt::format("ATR: announces {} historical bytes, has {}",
                                         historical_count, bytes.size() - at));
  }
  atr.historical.assign(bytes.begin() + static_cast<std::ptrdiff_t>(at),
                        bytes.begin() + static_cast<std::ptrdiff_t>(at + historical_count));
  at += historical_count;
  if (needs_tck) {
    if (at >= bytes.size()) return fail(Errc::parse, "ATR: check byte TCK missing");
    atr.tck = bytes[at++];
    std::uint8_t x = 0;
    for (std::size_t i = 1; i < at; ++i) x ^= bytes[i];
    if (x != 0)
      return fail(Errc::integrity, fmt::format("ATR: check byte TCK {:02X} is wrong", *atr.tck));
  }
  if (at != bytes.size()) {
    return fail(Errc::parse,
                fmt::format("ATR: {} unexpected bytes after the end", bytes.size() - at));
  }
  return atr;
}

int Atr::first_protocol() const {
  for (int t = 0; t < 15; ++t) {
    if (offers(t)) return t;
  }
  return 0;
}

std::uint8_t Atr::fi_di() const {
  return !groups.empty() && groups[0].ta ? *groups[0].ta : std::uint8_t{0x11};
}

std::uint8_t Atr::extra_guard_time() const {
  return !groups.empty() && groups[0].tc ? *groups[0].tc : std::uint8_t{0};
}

std::optional<int> Atr::specific_mode_protocol() const {
  if (groups.size() < 2 || !groups[1].ta) return std::nullopt;
  return *groups[1].ta & 0x0F;
}

std::uint8_t Atr::t0_waiting_integer() const {
  return groups.size() >= 2 && groups[1].tc ? *groups[1].tc : std::uint8_t{10};
}

namespace {
// The group after the first TD that names T=1 (i >= 2), where T=1's specific bytes live.
const Atr::InterfaceGroup* t1_group(const Atr& atr) {
  for (std::size_t i = 1; i < atr.groups.size(); ++i) {
    const auto& previous = atr.groups[i - 1];
    if (previous.td && (*previous.td & 0x0F) == 1 && i >= 2) return &atr.groups[i];
  }
  return nullptr;
}
}  // namespace

std::uint8_t Atr::t1_ifsc() const {
  const auto* g = t1_group(*this);
  // IFSC 0x00 and 0xFF are reserved; fall back to the default.
  if (g && g->ta && *g->ta != 0 && *g->ta != 0xFF) return *g->ta;
  return 32;
}

std::uint8_t Atr::t1_bwi_cwi() const {
  const auto* g = t1_group(*this);
  return g && g->tb ? *g->tb : std::uint8_t{0x4D};
}

bool Atr::t1_uses_crc() const {
  const auto* g = t1_group(*this);
  return g && g->tc && (*g->tc & 0x01);
}

}  // namespace shubbak
