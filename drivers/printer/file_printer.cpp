#include "drivers/printer/file_printer.hpp"

#include <fstream>
#include <memory>

#include <fmt/format.h>

#include "kiosk/image/mono_png.hpp"

namespace shubbak {

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
  if (auto written = write_mono_png(path, page); !written) {
    // A printer that cannot put its page down is a device fault, whatever the reason.
    Error error = written.error();
    if (error.code == Errc::io) error.code = Errc::device;
    return std::unexpected(std::move(error));
  }
  return PrintJob{path.string()};
}

}  // namespace shubbak
