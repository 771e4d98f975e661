// tests/bench/portal_drain: how long the uploader takes to drain 10,000 queued transactions to
// the real portal over loopback mutual TLS (batches of 100, one durable portal commit each).
//   portal_drain PORTAL_BINARY [COUNT]
#include <csignal>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "kiosk/crypto/device_key.hpp"
#include "kiosk/net/https_client.hpp"
#include "kiosk/store/transaction_store.hpp"
#include "kiosk/sync/outbox_uploader.hpp"
#include "tests/bench/bench_portal.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_pki.hpp"
#include "tests/support/text_scan.hpp"

using namespace shubbak;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: portal_drain PORTAL_BINARY [COUNT]\n");
    return 2;
  }
  int count = argc > 2 ? std::atoi(argv[2]) : 10'000;
  testing::BenchPortal portal(argv[1]);
  if (portal.url.empty()) return 1;
  const auto& dir = portal.dir;
  const auto& pki = portal.pki;
  const auto& client_cert = portal.client_cert;
  const std::string& url = portal.url;

  Logger logger(LogLevel::warn);
  auto key = DeviceKey::load_or_create(dir / "device-key.pem");
  TransactionStore::Options options;
  options.path = dir / "journal.db";
  options.kiosk_id = "bench-kiosk";
  options.device_key = key->get();
  auto store = TransactionStore::open(options, Log(logger, "store"));
  TransactionDraft draft;
  draft.service_id = "civil.birth_certificate";
  draft.service_version = "1.4.0";
  draft.amount = Money{1250, "OMR"};
  draft.fields = {{"applicant", "فاطمة"}, {"copies", "2"}};
  for (int i = 0; i < count; ++i) {
    if (!(*store)->commit(draft)) return 1;
  }

  auto client = HttpsClient::create(TlsOptions{pki.ca_cert(), client_cert.cert, client_cert.key});
  OutboxUploader::Options upload;
  upload.portal_url = url;
  upload.kiosk_id = "bench-kiosk";
  upload.version = "bench";
  upload.heartbeat_interval = std::chrono::hours(1);
  auto start = Clock::now();
  auto uploader =
      OutboxUploader::start(upload, **store, **key, std::move(*client), Log(logger, "upload"));
  bool drained = false;
  while (!drained && Clock::now() - start < std::chrono::seconds(120)) {
    drained = (*store)->health()->queue_depth == 0;
    if (!drained) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  (*uploader)->stop();
  if (!drained) {
    std::fprintf(stderr, "not drained after 120 s\n");
    return 1;
  }
  std::printf("portal_drain (%d transactions, batches of 100, loopback mutual TLS)\n", count);
  std::printf("  drained in %.2f s (%.0f transactions/s)   (aim: <= 10 s for 10,000)\n", seconds,
              count / seconds);
  return 0;
}
