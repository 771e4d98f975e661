// The simulated printer: each job is a PNG file in a directory, exactly the dots a thermal
// printer would burn. Used by the demo and by tests that read receipts back.
#pragma once

#include <filesystem>
#include <memory>

#include "drivers/printer/receipt_printer.hpp"

namespace shubbak {

class FilePrinter final : public ReceiptPrinter {
 public:
  static Expected<std::unique_ptr<FilePrinter>> open(const std::filesystem::path& directory, int width_dots);

  int width_dots() const override { return m_width; }
  Expected<PrintJob> print(const MonoBitmap& page, const std::string& name) override;

 private:
  FilePrinter(std::filesystem::path directory, int width) : m_directory(std::move(directory)), m_width(width) {}
  std::filesystem::path m_directory;
  int m_width;
};

}  // namespace shubbak
