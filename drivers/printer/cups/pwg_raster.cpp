// The libcups raster backend of the PWG encoder; with ipp_session.cpp the only files that
// include a CUPS header.
#include "drivers/printer/cups/pwg_raster.hpp"

#include <cups/raster.h>

#include <cstring>
#include <memory>

#include <fmt/format.h>

namespace shubbak {

namespace {

struct RasterCloser {
  void operator()(cups_raster_t* raster) const { cupsRasterClose(raster); }
};

ssize_t append_to_vector(void* context, unsigned char* buffer, size_t length) {
  auto* out = static_cast<std::vector<std::uint8_t>*>(context);
  out->insert(out->end(), buffer, buffer + length);
  return static_cast<ssize_t>(length);
}

}  // namespace

Expected<std::vector<std::uint8_t>> encode_pwg_raster(const MonoBitmap& page, int dpi) {
  if (page.width <= 0 || page.height <= 0 ||
      page.bits.size() != static_cast<std::size_t>(page.stride() * page.height)) {
    return fail(Errc::invalid_argument, fmt::format("page of {}x{} dots has {} bytes", page.width,
                                                    page.height, page.bits.size()));
  }
  if (dpi < 50 || dpi > 2400)
    return fail(Errc::invalid_argument, fmt::format("{} dpi is not a printer resolution", dpi));

  // The media is the page itself (hundredths of a millimetre), so the header's page size,
  // imageable area and pixel counts all agree with the bitmap.
  int width_hmm = page.width * 2540 / dpi;
  int length_hmm = page.height * 2540 / dpi;
  pwg_media_t* media = pwgMediaForSize(width_hmm, length_hmm);
  if (media == nullptr) return fail(Errc::internal, "libcups has no media for the receipt's size");
  cups_page_header2_t header;
  if (!cupsRasterInitPWGHeader(&header, media, "black_1", dpi, dpi, "one-sided", nullptr)) {
    return fail(Errc::internal, fmt::format("PWG raster header: {}", cupsRasterErrorString()));
  }
  // Rounding through millimetres can lose a dot; the bitmap's size is the truth.
  header.cupsWidth = static_cast<unsigned>(page.width);
  header.cupsHeight = static_cast<unsigned>(page.height);
  header.cupsBytesPerLine = static_cast<unsigned>(page.stride());
  header.PageSize[0] = static_cast<unsigned>(page.width * 72 / dpi);
  header.PageSize[1] = static_cast<unsigned>(page.height * 72 / dpi);

  std::vector<std::uint8_t> out;
  out.reserve(page.bits.size() / 4 + 2048);
  std::unique_ptr<cups_raster_t, RasterCloser> raster(
      cupsRasterOpenIO(append_to_vector, &out, CUPS_RASTER_WRITE_PWG));
  if (!raster) return fail(Errc::internal, fmt::format("PWG raster: {}", cupsRasterErrorString()));
  if (!cupsRasterWriteHeader2(raster.get(), &header)) {
    return fail(Errc::internal, fmt::format("PWG raster header: {}", cupsRasterErrorString()));
  }
  // libcups wants a writable row; 1 = black in black_1, as in MonoBitmap.
  std::vector<unsigned char> row(static_cast<std::size_t>(page.stride()));
  for (int y = 0; y < page.height; ++y) {
    std::memcpy(row.data(), page.bits.data() + static_cast<std::size_t>(y * page.stride()),
                row.size());
    if (cupsRasterWritePixels(raster.get(), row.data(), static_cast<unsigned>(row.size())) !=
        row.size()) {
      return fail(Errc::internal, fmt::format("PWG raster row {}: {}", y, cupsRasterErrorString()));
    }
  }
  raster.reset();  // flushes the last compressed run into `out`
  return out;
}

}  // namespace shubbak
