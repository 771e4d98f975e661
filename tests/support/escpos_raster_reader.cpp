#include "tests/support/escpos_raster_reader.hpp"

#include <fmt/format.h>

namespace shubbak::testing {

namespace {

constexpr std::uint8_t k_esc = 0x1B;
constexpr std::uint8_t k_gs = 0x1D;

// A cursor over the stream that names the offset of whatever it refuses.
class Cursor {
 public:
  explicit Cursor(std::span<const std::uint8_t> bytes) : m_bytes(bytes) {}

  bool done() const { return m_at == m_bytes.size(); }
  std::size_t at() const { return m_at; }
  std::size_t left() const { return m_bytes.size() - m_at; }
  bool next_is(std::uint8_t a, std::uint8_t b) const {
    return left() >= 2 && m_bytes[m_at] == a && m_bytes[m_at + 1] == b;
  }
  std::uint8_t peek(std::size_t ahead) const { return m_bytes[m_at + ahead]; }
  std::span<const std::uint8_t> take(std::size_t n) {
    auto part = m_bytes.subspan(m_at, n);
    m_at += n;
    return part;
  }

 private:
  std::span<const std::uint8_t> m_bytes;
  std::size_t m_at = 0;
};

Error refused(const Cursor& cursor, std::string_view what) {
  return Error{Errc::parse, fmt::format("ESC/POS raster, byte {}: {}", cursor.at(), what)};
}

// GS v 0 m xL xH yL yH d1...dk, appended to `raster`.
Expected<void> read_band(Cursor& cursor, EscPosRaster& raster) {
  if (cursor.left() < 8) return std::unexpected(refused(cursor, "GS v 0 header cut short"));
  std::uint8_t mode = cursor.peek(3);
  // 0/48 is normal density; the double-width and double-height modes would need scaling, and
  // the kiosk never sends them.
  if (mode != 0 && mode != 48)
    return std::unexpected(refused(cursor, fmt::format("GS v 0 mode {} is not normal", mode)));
  int stride = cursor.peek(4) + 256 * cursor.peek(5);
  int rows = cursor.peek(6) + 256 * cursor.peek(7);
  if (stride == 0 || rows == 0) return std::unexpected(refused(cursor, "GS v 0 band with no dots"));
  if (raster.bands > 0 && stride != raster.page.stride()) {
    return std::unexpected(refused(cursor, fmt::format("band {} bytes a row, earlier bands {}",
                                                       stride, raster.page.stride())));
  }
  std::size_t size = static_cast<std::size_t>(stride) * static_cast<std::size_t>(rows);
  if (cursor.left() - 8 < size) {
    return std::unexpected(
        refused(cursor, fmt::format("band of {} bytes, only {} left", size, cursor.left() - 8)));
  }
  cursor.take(8);
  auto dots = cursor.take(size);
  raster.page.width = stride * 8;
  raster.page.height += rows;
  raster.page.bits.insert(raster.page.bits.end(), dots.begin(), dots.end());
  ++raster.bands;
  return {};
}

// GS V m (m = 0, 1, 48, 49) or GS V m n (m = 65, 66): a full or partial cut.
Expected<void> read_cut(Cursor& cursor) {
  if (cursor.left() < 3) return std::unexpected(refused(cursor, "GS V cut short"));
  std::uint8_t mode = cursor.peek(2);
  if (mode == 0 || mode == 1 || mode == 48 || mode == 49) {
    cursor.take(3);
    return {};
  }
  if (mode == 65 || mode == 66) {
    if (cursor.left() < 4) return std::unexpected(refused(cursor, "GS V feed-and-cut cut short"));
    cursor.take(4);
    return {};
  }
  return std::unexpected(refused(cursor, fmt::format("GS V mode {} is not a cut", mode)));
}

}  // namespace

Expected<EscPosRaster> read_escpos_raster(std::span<const std::uint8_t> bytes) {
  Cursor cursor(bytes);
  EscPosRaster raster;
  if (!cursor.next_is(k_esc, '@'))
    return std::unexpected(refused(cursor, "does not start with ESC @"));
  cursor.take(2);
  while (cursor.left() >= 3 && cursor.next_is(k_gs, 'v') && cursor.peek(2) == '0') {
    if (auto band = read_band(cursor, raster); !band) return std::unexpected(band.error());
  }
  if (raster.bands == 0) return std::unexpected(refused(cursor, "no GS v 0 raster band"));
  if (cursor.next_is(k_esc, 'd')) {
    if (cursor.left() < 3) return std::unexpected(refused(cursor, "ESC d cut short"));
    raster.feed_lines = cursor.take(3)[2];
  }
  if (cursor.next_is(k_gs, 'V')) {
    if (auto cut = read_cut(cursor); !cut) return std::unexpected(cut.error());
    raster.cut = true;
  }
  if (!cursor.done()) {
    return std::unexpected(
        refused(cursor, fmt::format("unexpected byte 0x{:02X} after the page", cursor.peek(0))));
  }
  return raster;
}

}  // namespace shubbak::testing
