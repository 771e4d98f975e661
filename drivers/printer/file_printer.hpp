// The simulated printer: each job is a PNG file in a directory, exactly the dots a thermal
// printer would burn. Used by the demo and by tests that read receipts back.
// Faults are simulated the way a technician would see them: a file named `STATE` in the
// directory holding a state name ("media-empty", "jam", "door-open", "offline", "media-low")
// puts the printer in that state until it is removed.
#pragma once

#include <filesystem>
#include <memory>

#include "drivers/printer/receipt_printer.hpp"

namespace shubbak {

class FilePrinter final : public ReceiptPrinter {
 public:
  static Expected<std::unique_ptr<FilePrinter>> open(const std::filesystem::path& directory,
                                                     int width_dots);

  int width_dots() const override { return m_width; }
  PrintResult print(const MonoBitmap& page, const std::string& name) override;
  PrinterState state() override;

 private:
  FilePrinter(std::filesystem::path directory, int width)
      : m_directory(std::move(directory)), m_width(width) {}
  Expected<PrintJob> write_png(const MonoBitmap& page, const std::string& name);
  std::filesystem::path m_directory;
  int m_width;
};

}  // namespace shubbak
