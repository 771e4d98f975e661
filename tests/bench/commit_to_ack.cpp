// tests/bench/commit_to_ack: from the start of a commit to the portal's acknowledgement being
// recorded in the kiosk's store, one transaction at a time, against the real portal over
// loopback mutual TLS, with the uploader as the kiosk runs it (idle recheck 30 s: only the
// commit's wake-up can make it quick). Prints p50, p99 and max over COUNT commits.
//   commit_to_ack PORTAL_BINARY [COUNT]
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#include "kiosk/crypto/device_key.hpp"
#include "kiosk/net/https_client.hpp"
#include "kiosk/store/transaction_store.hpp"
#include "kiosk/sync/outbox_uploader.hpp"
#include "tests/bench/bench_portal.hpp"
#include "tests/bench/bench_stats.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_pki.hpp"

using namespace shubbak;
using Clock = std::chrono::steady_clock;

using bench_stats::percentile;

namespace {}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: commit_to_ack PORTAL_BINARY [COUNT]\n");
    return 2;
  }
  int count = argc > 2 ? std::atoi(argv[2]) : 300;
  testing::BenchPortal portal(argv[1]);
  if (portal.url.empty()) return 1;
  const auto& dir = portal.dir;
  const auto& pki = portal.pki;
  const auto& client_cert = portal.client_cert;
  const std::string& url = portal.url;

  Logger logger(LogLevel::warn);
  logger.add_sink(make_stderr_sink());
  auto key = DeviceKey::load_or_create(dir / "device-key.pem");
  TransactionStore::Options options;
  options.path = dir / "journal.db";
  options.kiosk_id = "bench-kiosk";
  options.device_key = key->get();
  options.min_free_bytes = 0;
  auto store = TransactionStore::open(options, Log(logger, "store"));
  if (!key || !store) {
    std::fprintf(stderr, "cannot open the store\n");
    return 1;
  }
  auto client = HttpsClient::create(TlsOptions{pki.ca_cert(), client_cert.cert, client_cert.key});
  if (!client) {
    std::fprintf(stderr, "%s\n", client.error().describe().c_str());
    return 1;
  }

  std::mutex mutex;
  std::condition_variable acknowledged;
  std::int64_t uploaded = 0;
  Clock::time_point last_ack;
  OutboxUploader::Options upload;  // the kiosk's defaults: idle recheck 30 s, heartbeat 60 s
  upload.portal_url = url;
  upload.kiosk_id = "bench-kiosk";
  upload.version = "bench";
  auto uploader = OutboxUploader::start(upload, **store, **key, std::move(*client),
                                        Log(logger, "upload"), {}, [&](const UploadStatus& status) {
                                          std::lock_guard lock(mutex);
                                          if (status.uploaded > uploaded) {
                                            uploaded = status.uploaded;
                                            last_ack = Clock::now();
                                            acknowledged.notify_all();
                                          }
                                        });
  if (!uploader) {
    std::fprintf(stderr, "%s\n", uploader.error().describe().c_str());
    return 1;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the first heartbeat is out

  TransactionDraft draft;
  draft.service_id = "civil.birth_certificate";
  draft.service_version = "1.4.0";
  draft.amount = Money{1250, "OMR"};
  draft.payment_reference = "APPROVAL";
  draft.fields = {{"applicant", "فاطمة"}, {"copies", "2"}};
  std::vector<double> to_ack, commit_only;
  int missed = 0;
  for (int i = 0; i < count; ++i) {
    auto start = Clock::now();
    if (!(*store)->commit(draft)) {
      std::fprintf(stderr, "commit failed\n");
      return 1;
    }
    auto committed = Clock::now();
    std::unique_lock lock(mutex);
    if (!acknowledged.wait_for(lock, std::chrono::seconds(60), [&] { return uploaded >= i + 1; })) {
      ++missed;
      continue;
    }
    to_ack.push_back(std::chrono::duration<double, std::milli>(last_ack - start).count());
    commit_only.push_back(std::chrono::duration<double, std::milli>(committed - start).count());
  }
  (*uploader)->stop();
  if (to_ack.empty()) {
    std::fprintf(stderr, "nothing was acknowledged\n");
    return 1;
  }
  std::printf("commit_to_ack: %zu transactions, one at a time, real portal on loopback mTLS\n",
              to_ack.size());
  std::printf("  commit -> portal ack recorded: p50 %.2f ms  p99 %.2f ms  max %.2f ms\n",
              percentile(to_ack, 0.5), percentile(to_ack, 0.99), percentile(to_ack, 1.0));
  std::printf("  of which the commit itself:    p50 %.2f ms  p99 %.2f ms\n",
              percentile(commit_only, 0.5), percentile(commit_only, 0.99));
  std::printf("  not acknowledged within 60 s: %d\n", missed);
  return missed == 0 ? 0 : 1;
}
