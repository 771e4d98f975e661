// tests/bench/printer_ipp: one 576x1200 receipt page printed straight over IPP to a real
// ippeveprinter (loopback, hook that completes at once), from print() to the job completed, for
// ESC/POS raw and PWG raster; and the bytes each format sends for that page.
//   printer_ipp [COUNT]      COUNT prints of each format; 20 by default
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "drivers/printer/cups/ipp_printer.hpp"
#include "drivers/printer/cups/pwg_raster.hpp"
#include "drivers/printer/escpos_encoder.hpp"
#include "tests/integration/printer/test_page.hpp"
#include "tests/support/ipp_test_printer.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

using namespace shubbak;
using Clock = std::chrono::steady_clock;

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  return values[static_cast<std::size_t>(p * static_cast<double>(values.size() - 1))];
}

std::vector<double> print_times(const std::string& uri, IppDocumentFormat format, const MonoBitmap& page, int count) {
  Logger logger(LogLevel::warn);
  IppPrinterOptions options;
  options.uri = uri;
  options.format = format;
  auto printer = IppPrinter::open(options, Log(logger, "bench"));
  if (!printer) {
    std::fprintf(stderr, "%s\n", printer.error().message.c_str());
    std::exit(1);
  }
  std::vector<double> samples;
  for (int i = 0; i < count; ++i) {
    auto start = Clock::now();
    auto printed = (*printer)->print(page, "T-BENCH-" + std::to_string(i));
    samples.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    if (!printed) {
      std::fprintf(stderr, "print %d: %s\n", i, printed.error().error.message.c_str());
      std::exit(1);
    }
  }
  return samples;
}

}  // namespace

int main(int argc, char** argv) {
  int count = argc > 1 ? std::atoi(argv[1]) : 20;
  if (count < 1 || count > 1000) count = 20;
  shubbak::testing::TempDir dir;
  shubbak::testing::IppTestPrinter device(dir.path());
  auto page = shubbak::testing::test_page(576, 1200);
  auto escpos = encode_escpos_raster(page);
  auto pwg = encode_pwg_raster(page, 203);
  if (!pwg) return 1;
  std::printf("page 576x1200 dots: %zu bytes of dots\n", page.bits.size());
  std::printf("bytes sent: ESC/POS raw %zu, PWG raster %zu\n", escpos.size(), pwg->size());
  for (auto [name, format] : {std::pair{"ESC/POS", IppDocumentFormat::escpos_raw},
                              std::pair{"PWG", IppDocumentFormat::pwg_raster}}) {
    auto samples = print_times(device.uri(), format, page, count);
    std::printf("%-8s print() to completed, %d jobs: median %.1f ms, p90 %.1f ms, max %.1f ms\n", name, count,
                percentile(samples, 0.5), percentile(samples, 0.9), percentile(samples, 1.0));
  }
  return 0;
}
