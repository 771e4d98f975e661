// tests/bench/store_commit: the latency of one durable transaction commit (journal + outbox +
// audit, WAL, synchronous=FULL, signed) against the latency of one fdatasync of an appended
// page on the same filesystem, measured in the same run.
//   store_commit [DIR] [COUNT]      DIR defaults to $TMPDIR; COUNT to 2000
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "kiosk/crypto/device_key.hpp"
#include "kiosk/store/transaction_store.hpp"
#include "tests/bench/bench_stats.hpp"

using bench_stats::percentile;

namespace {

using namespace shubbak;
using Clock = std::chrono::steady_clock;

double micros_since(Clock::time_point start) {
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

std::vector<double> fdatasync_latencies(const std::filesystem::path& dir, int count) {
  auto path = dir / "fdatasync.probe";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    std::perror("open");
    std::exit(1);
  }
  std::vector<char> page(4096, 'x');
  std::vector<double> samples;
  for (int i = 0; i < count; ++i) {
    auto start = Clock::now();
    if (::write(fd, page.data(), page.size()) != static_cast<ssize_t>(page.size()) ||
        ::fdatasync(fd) != 0) {
      std::perror("write/fdatasync");
      std::exit(1);
    }
    samples.push_back(micros_since(start));
  }
  ::close(fd);
  std::filesystem::remove(path);
  return samples;
}

}  // namespace

int main(int argc, char** argv) {
  const char* tmp = std::getenv("TMPDIR");
  std::filesystem::path base = argc > 1 ? argv[1] : (tmp && *tmp ? tmp : "/tmp");
  int count = argc > 2 ? std::atoi(argv[2]) : 2000;
  auto dir = base / ("shubbak-bench-commit-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);

  Logger logger(LogLevel::warn);
  auto key = DeviceKey::load_or_create(dir / "device-key.pem");
  TransactionStore::Options options;
  options.path = dir / "journal.db";
  options.kiosk_id = "bench-kiosk";
  options.device_key = key->get();
  auto store = TransactionStore::open(options, Log(logger, "store"));
  if (!store) {
    std::fprintf(stderr, "%s\n", store.error().describe().c_str());
    return 1;
  }
  TransactionDraft draft;
  draft.service_id = "civil.birth_certificate";
  draft.service_version = "1.4.0";
  draft.amount = Money{1250, "OMR"};
  draft.payment_reference = "APPROVAL-000001";
  draft.fields = {{"applicant", "فاطمة"}, {"copies", "2"}};

  // Interleave the two measurements in blocks so both see the same device state.
  std::vector<double> syncs, commits;
  constexpr int k_block = 100;
  for (int done = 0; done < count; done += k_block) {
    auto s = fdatasync_latencies(dir, k_block);
    syncs.insert(syncs.end(), s.begin(), s.end());
    for (int i = 0; i < k_block; ++i) {
      auto start = Clock::now();
      if (auto record = (*store)->commit(draft); !record) {
        std::fprintf(stderr, "%s\n", record.error().describe().c_str());
        return 1;
      }
      commits.push_back(micros_since(start));
    }
  }
  store->reset();
  std::filesystem::remove_all(dir);

  double sync_p50 = percentile(syncs, 0.50), sync_p99 = percentile(syncs, 0.99);
  double commit_p50 = percentile(commits, 0.50), commit_p99 = percentile(commits, 0.99);
  std::printf("store_commit (%zu commits, WAL + synchronous=FULL, signed; filesystem of %s)\n",
              commits.size(), base.c_str());
  std::printf("  fdatasync  p50 %8.1f us   p99 %8.1f us\n", sync_p50, sync_p99);
  std::printf("  commit     p50 %8.1f us   p99 %8.1f us\n", commit_p50, commit_p99);
  std::printf("  ratio      p50 %8.2f      p99 %8.2f      (aim: <= 1.5)\n", commit_p50 / sync_p50,
              commit_p99 / sync_p99);
  return 0;
}
