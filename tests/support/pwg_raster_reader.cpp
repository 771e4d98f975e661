// The test side's libcups raster reader (cups/raster.h stays in this file).
#include "tests/support/pwg_raster_reader.hpp"

#include <cups/raster.h>
#include <fcntl.h>
#include <unistd.h>

#include <memory>

namespace shubbak::testing {

Expected<PwgPage> read_pwg_raster(const std::filesystem::path& file) {
  int fd = ::open(file.c_str(), O_RDONLY);
  if (fd < 0) return fail_errno(Errc::io, "open " + file.string(), errno);
  std::unique_ptr<cups_raster_t, void (*)(cups_raster_t*)> raster(
      cupsRasterOpen(fd, CUPS_RASTER_READ), cupsRasterClose);
  if (!raster) {
    ::close(fd);
    return fail(Errc::parse, "not a raster stream: " + file.string());
  }
  cups_page_header2_t header;
  if (!cupsRasterReadHeader2(raster.get(), &header)) {
    ::close(fd);
    return fail(Errc::parse, std::string("no page header: ") + cupsRasterErrorString());
  }
  PwgPage page;
  page.x_dpi = static_cast<int>(header.HWResolution[0]);
  page.y_dpi = static_cast<int>(header.HWResolution[1]);
  page.bits_per_pixel = static_cast<int>(header.cupsBitsPerPixel);
  page.bitmap.width = static_cast<int>(header.cupsWidth);
  page.bitmap.height = static_cast<int>(header.cupsHeight);
  page.bitmap.bits.resize(static_cast<std::size_t>(header.cupsBytesPerLine) * header.cupsHeight);
  for (unsigned y = 0; y < header.cupsHeight; ++y) {
    unsigned char* row =
        page.bitmap.bits.data() + static_cast<std::size_t>(y) * header.cupsBytesPerLine;
    if (cupsRasterReadPixels(raster.get(), row, header.cupsBytesPerLine) !=
        header.cupsBytesPerLine) {
      ::close(fd);
      return fail(Errc::parse, "raster ends at row " + std::to_string(y));
    }
  }
  raster.reset();
  ::close(fd);
  return page;
}

}  // namespace shubbak::testing
