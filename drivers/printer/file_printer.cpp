// The libpng backend of the file printer; the only file that includes png.h.
#include "drivers/printer/file_printer.hpp"

#include <png.h>

#include <cstdio>
#include <fstream>
#include <memory>

#include <fmt/format.h>

namespace shubbak {

namespace {
struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
}  // namespace

Expected<std::unique_ptr<FilePrinter>> FilePrinter::open(const std::filesystem::path& directory,
                                                         int width_dots) {
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec)
    return fail(Errc::device,
                fmt::format("printer directory {}: {}", directory.string(), ec.message()));
  return std::unique_ptr<FilePrinter>(new FilePrinter(directory, width_dots));
}

PrinterState FilePrinter::state() {
  std::error_code ec;
  if (!std::filesystem::is_directory(m_directory, ec)) return PrinterState::offline;
  std::ifstream in(m_directory / "STATE");
  std::string name;
  if (!in || !(in >> name)) return PrinterState::ok;
  for (auto state : {PrinterState::ok, PrinterState::media_low, PrinterState::media_empty,
                     PrinterState::jam, PrinterState::door_open, PrinterState::offline}) {
    if (name == printer_state_name(state)) return state;
  }
  return PrinterState::offline;  // a state it does not know: fail closed
}

PrintResult FilePrinter::print(const MonoBitmap& page, const std::string& name) {
  if (auto misfit = page_misfit(page, m_width)) return std::unexpected(std::move(*misfit));
  PrinterState now = state();
  if (!printer_can_print(now)) {
    return std::unexpected(PrintFailure{
        now, Error{Errc::device, fmt::format("printer is {}", printer_state_name(now))}});
  }
  auto written = write_png(page, name);
  if (!written) return std::unexpected(PrintFailure{PrinterState::offline, written.error()});
  return *written;
}

Expected<PrintJob> FilePrinter::write_png(const MonoBitmap& page, const std::string& name) {
  bool safe =
      !name.empty() && name.find('/') == std::string::npos && name.find("..") == std::string::npos;
  if (!safe) return fail(Errc::invalid_argument, "print job name is not a plain file name");
  auto path = m_directory / (name + ".png");
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "wb"));
  if (!file) return fail_errno(Errc::device, fmt::format("cannot write {}", path.string()), errno);
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (!png || !info) {
    png_destroy_write_struct(&png, &info);
    return fail(Errc::internal, "libpng could not start");
  }
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return fail(Errc::device, fmt::format("cannot write {} (disk full?)", path.string()));
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
    return fail_errno(Errc::device, fmt::format("cannot write {}", path.string()), errno);
  return PrintJob{path.string()};
}

}  // namespace shubbak
