// A small kiosk-side program for crash and restart tests: it opens a real transaction store
// (and device key) in a data directory and either commits transactions or uploads the outbox,
// so a test can SIGKILL it at any point.
//
//   store_tool commit DIR COUNT         commit COUNT transactions (COUNT 0: until killed);
//                                       prints "committed <seq> <id>" after each commit returns
//   store_tool upload DIR URL CA CERT KEY
//                                       uploads until the outbox is empty, then exits 0
//   store_tool open DIR                 opens the store (verifying what is new) and prints
//                                       "verified <records> <after> <audit entries> <after>"
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "kiosk/crypto/device_key.hpp"
#include "kiosk/net/https_client.hpp"
#include "kiosk/store/transaction_store.hpp"
#include "kiosk/sync/outbox_uploader.hpp"

namespace {

using namespace shubbak;

int usage() {
  std::fprintf(stderr,
               "usage: store_tool commit DIR COUNT | upload DIR URL CA CERT KEY | open DIR\n");
  return 2;
}

TransactionDraft sample_draft(std::int64_t n) {
  TransactionDraft draft;
  draft.service_id = "civil.birth_certificate";
  draft.service_version = "1.4.0";
  draft.amount = Money{1250 + n % 1000, "OMR"};
  draft.payment_reference = "APPROVAL-" + std::to_string(n);
  draft.fields = {{"applicant", "فاطمة"}, {"copies", std::to_string(1 + n % 3)}};
  return draft;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) return usage();
  std::string mode = argv[1];
  std::filesystem::path dir = argv[2];
  Logger logger(mode == "upload" ? LogLevel::debug : LogLevel::warn);
  logger.add_sink(make_stderr_sink());
  auto key = DeviceKey::load_or_create(dir / "device-key.pem");
  if (!key) {
    std::fprintf(stderr, "%s\n", key.error().describe().c_str());
    return 1;
  }
  TransactionStore::Options options;
  options.path = dir / "journal.db";
  options.kiosk_id = "kiosk-7";
  options.device_key = key->get();
  options.min_free_bytes = 1024 * 1024;
  auto store = TransactionStore::open(options, Log(logger, "store"));
  if (!store) {
    std::fprintf(stderr, "%s\n", store.error().describe().c_str());
    return 1;
  }

  if (mode == "open" && argc == 3) {
    const auto& verified = (*store)->startup_verification();
    std::printf("verified %lld %lld %lld %lld\n", static_cast<long long>(verified.records_verified),
                static_cast<long long>(verified.records_after),
                static_cast<long long>(verified.audit_entries_verified),
                static_cast<long long>(verified.audit_after));
    return 0;
  }

  if (mode == "commit" && argc == 4) {
    long count = std::atol(argv[3]);
    for (long n = 0; count == 0 || n < count; ++n) {
      auto record = (*store)->commit(sample_draft(n));
      if (!record) {
        std::fprintf(stderr, "%s\n", record.error().describe().c_str());
        return 1;
      }
      // Only now is it durable: this line is the child's promise to the test.
      std::printf("committed %lld %s\n", static_cast<long long>(record->sequence),
                  record->id.c_str());
      std::fflush(stdout);
    }
    return 0;
  }

  if (mode == "upload" && argc == 7) {
    auto client = HttpsClient::create(TlsOptions{argv[4], argv[5], argv[6]});
    if (!client) {
      std::fprintf(stderr, "%s\n", client.error().describe().c_str());
      return 1;
    }
    OutboxUploader::Options upload;
    upload.portal_url = argv[3];
    upload.kiosk_id = "kiosk-7";
    upload.version = "test";
    upload.backoff_initial = std::chrono::milliseconds(20);
    upload.backoff_max = std::chrono::milliseconds(200);
    upload.heartbeat_interval = std::chrono::hours(1);
    upload.idle_recheck = std::chrono::milliseconds(20);
    auto uploader =
        OutboxUploader::start(upload, **store, **key, std::move(*client), Log(logger, "upload"));
    if (!uploader) {
      std::fprintf(stderr, "%s\n", uploader.error().describe().c_str());
      return 1;
    }
    for (int i = 0; i < 3000; ++i) {  // at most 60 s
      auto health = (*store)->health();
      if (health && health->queue_depth == 0) {
        (*uploader)->stop();
        std::printf("drained\n");
        return 0;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return 1;
  }
  return usage();
}
