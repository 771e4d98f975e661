// libpng's writing API for 1-bit rows.
#include "kiosk/image/mono_png.hpp"

#include <png.h>

#include <cerrno>
#include <csetjmp>
#include <cstdio>
#include <memory>
#include <vector>

#include <fmt/format.h>

namespace shubbak {

namespace {
struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
}  // namespace

Expected<void> write_mono_png(const std::filesystem::path& path, const MonoBitmap& page) {
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "wb"));
  if (!file) return fail_errno(Errc::io, fmt::format("cannot write {}", path.string()), errno);
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (!png || !info) {
    png_destroy_write_struct(&png, &info);
    return fail(Errc::internal, "libpng could not start");
  }
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return fail(Errc::io, fmt::format("cannot write {} (disk full?)", path.string()));
  }
  png_init_io(png, file.get());
  // 1-bit greyscale where 1 is white: invert the printer's "1 = black" rows as we go.
  png_set_IHDR(png, info, static_cast<png_uint_32>(page.width),
               static_cast<png_uint_32>(page.height), 1, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  std::vector<unsigned char> row(static_cast<std::size_t>(page.stride()));
  for (int y = 0; y < page.height; ++y) {
    for (int i = 0; i < page.stride(); ++i)
      row[static_cast<std::size_t>(i)] =
          static_cast<unsigned char>(~page.bits[static_cast<std::size_t>(y * page.stride() + i)]);
    png_write_row(png, row.data());
  }
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  if (std::fflush(file.get()) != 0)
    return fail_errno(Errc::io, fmt::format("cannot write {}", path.string()), errno);
  return {};
}

}  // namespace shubbak
