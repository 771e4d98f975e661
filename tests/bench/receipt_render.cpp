// Receipt printing cost on the kiosk's worker: a 40-line Arabic receipt with its signed QR code.
// Measures the seal (Ed25519 signing + QR encoding), the render (layout with the screen's text
// engine + raster to 1 bit), the ESC/POS encoding, and the bytes sent to the printer.
//   bench_receipt_render [RUNS] [WIDTH_DOTS]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "drivers/printer/escpos_encoder.hpp"
#include "kiosk/core/config.hpp"
#include "kiosk/crypto/receipt_seal.hpp"
#include "screens/receipt/qr_code.hpp"
#include "screens/receipt/receipt_renderer.hpp"
#include "tests/integration/receipt/receipt_fixtures.hpp"
#include "tests/support/temp_dir.hpp"

using namespace shubbak;
using Clock = std::chrono::steady_clock;

namespace {

double median_ms(std::vector<double> samples) {
  std::sort(samples.begin(), samples.end());
  return samples[samples.size() / 2];
}

template <class Work>
double time_ms(Work work) {
  auto start = Clock::now();
  work();
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

int die(const Error& error) {
  std::fprintf(stderr, "bench_receipt_render: %s\n", error.describe().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  int runs = argc > 1 ? std::atoi(argv[1]) : 30;
  int width = argc > 2 ? std::atoi(argv[2]) : 576;
  if (runs < 1 || runs > 10000)
    return die(Error{Errc::invalid_argument, "RUNS must be 1 to 10000"});
  testing::TempDir dir;
  auto key = DeviceKey::load_or_create(dir / "device-key.pem");
  if (!key) return die(key.error());
  auto text = TextEngine::open(Config::Text{});
  if (!text) return die(text.error());
  auto facts = testing::sample_receipt_facts();

  std::vector<double> seal_ms, render_ms, escpos_ms;
  std::string seal;
  std::size_t escpos_bytes = 0;
  int height = 0, qr_version = 0;
  for (int i = 0; i < runs; ++i) {
    Expected<std::string> sealed = fail(Errc::internal, "not run");
    Expected<QrMatrix> matrix = fail(Errc::internal, "not run");
    seal_ms.push_back(time_ms([&] {
      sealed = seal_receipt(facts, **key);
      if (sealed) matrix = encode_qr(*sealed);
    }));
    if (!sealed) return die(sealed.error());
    if (!matrix) return die(matrix.error());
    seal = *sealed;
    qr_version = matrix->version;
    // 36 extra lines + the fixture's 4: a 40-line receipt.
    auto document = testing::sample_receipt(Language::ar, facts, seal, 36);
    Expected<MonoBitmap> page = fail(Errc::internal, "not run");
    render_ms.push_back(time_ms([&] { page = render_receipt(**text, document, width); }));
    if (!page) return die(page.error());
    height = page->height;
    std::vector<std::uint8_t> bytes;
    escpos_ms.push_back(time_ms([&] { bytes = encode_escpos_raster(*page); }));
    escpos_bytes = bytes.size();
  }
  std::printf(
      "receipt_render (%d runs, 40-line Arabic receipt, %d x %d dots, QR version %d, seal %zu "
      "chars)\n",
      runs, width, height, qr_version, seal.size());
  std::printf("  seal + QR     median %8.3f ms\n", median_ms(seal_ms));
  std::printf("  render        median %8.3f ms   (layout + raster)\n", median_ms(render_ms));
  std::printf("  ESC/POS       median %8.3f ms\n", median_ms(escpos_ms));
  std::printf("  ESC/POS bytes        %8zu\n", escpos_bytes);
  return 0;
}
