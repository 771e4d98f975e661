// tests/bench/printer_ipp: one 576x1200 receipt page printed straight over IPP to a real
// ippeveprinter (loopback, hook that completes at once), from print() to the job completed, for
// ESC/POS raw and PWG raster (a rendered Arabic receipt); and the bytes each format sends for it
// and for a page of random dots (PWG's run-length compression at its worst).
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
#include "kiosk/core/config.hpp"
#include "screens/receipt/receipt_renderer.hpp"
#include "screens/text/text_engine.hpp"
#include "tests/bench/bench_stats.hpp"
#include "tests/integration/printer/test_page.hpp"
#include "tests/support/ipp_test_printer.hpp"
#include "tests/support/temp_dir.hpp"

using bench_stats::percentile;

namespace {

using namespace shubbak;
using Clock = std::chrono::steady_clock;

std::vector<double> print_times(const std::string& uri, IppDocumentFormat format,
                                const MonoBitmap& page, int count) {
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

// A real Arabic receipt as the kiosk renders it, cut or padded with white to `height` rows.
MonoBitmap rendered_receipt(int height) {
  auto text = TextEngine::open(Config::Text{});
  if (!text) {
    std::fprintf(stderr, "%s\n", text.error().message.c_str());
    std::exit(1);
  }
  ReceiptDocument document;
  document.issuer = "وزارة الداخلية";
  document.title = "إيصال تجديد بطاقة الهوية";
  document.lines = {{"الخدمة", "تجديد بطاقة"}, {"رقم الطلب", "12345"}, {"المبلغ", "5.000 ر.ع."}};
  document.total_label = "المجموع";
  document.total = "5.000 ر.ع.";
  document.details = {
      {"المعاملة", "T-20260315-000042"}, {"الوقت", "2026-03-15 10:42"}, {"الكشك", "demo-kiosk"}};
  document.footer = "شكرا لاستخدامكم الخدمة";
  auto page = render_receipt(**text, document, 576);
  if (!page) {
    std::fprintf(stderr, "%s\n", page.error().message.c_str());
    std::exit(1);
  }
  page->bits.resize(static_cast<std::size_t>(page->stride() * height), 0);
  page->height = height;
  return *page;
}

void report_sizes(const char* what, const MonoBitmap& page) {
  auto escpos = encode_escpos_raster(page);
  auto pwg = encode_pwg_raster(page, 203);
  if (!pwg) std::exit(1);
  std::printf("%s: bytes sent: ESC/POS raw %zu, PWG raster %zu\n", what, escpos.size(),
              pwg->size());
}

}  // namespace

int main(int argc, char** argv) {
  int count = argc > 1 ? std::atoi(argv[1]) : 20;
  if (count < 1 || count > 1000) count = 20;
  shubbak::testing::TempDir dir;
  shubbak::testing::IppTestPrinter device(dir.path());
  auto page = rendered_receipt(1200);
  std::printf("page 576x1200 dots: %zu bytes of dots\n", page.bits.size());
  report_sizes("rendered Arabic receipt", page);
  report_sizes("random dots (worst case)", shubbak::testing::test_page(576, 1200));
  for (auto [name, format] : {std::pair{"ESC/POS", IppDocumentFormat::escpos_raw},
                              std::pair{"PWG", IppDocumentFormat::pwg_raster}}) {
    auto samples = print_times(device.uri(), format, page, count);
    std::printf("%-8s print() to completed, %d jobs: median %.1f ms, p90 %.1f ms, max %.1f ms\n",
                name, count, percentile(samples, 0.5), percentile(samples, 0.9),
                percentile(samples, 1.0));
  }
  return 0;
}
