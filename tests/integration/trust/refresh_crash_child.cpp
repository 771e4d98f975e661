// A kiosk-side TUF client that SIGKILLs itself right after its N-th durable step (a write,
// fsync, rename or directory fsync of trusted metadata or a target), to test that a crash at
// any step leaves every file old or new and the next refresh succeeds.
//   refresh_crash_child METADATA_DIR METADATA_URL TARGETS_URL KILL_AT_STEP TARGET_NAME TARGET_FILE
// KILL_AT_STEP 0 runs to the end and prints "steps N".
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "kiosk/trust/updater.hpp"

int main(int argc, char** argv) {
  using namespace shubbak;
  using namespace shubbak::trust;
  if (argc != 7) {
    std::fprintf(
        stderr,
        "usage: %s METADATA_DIR METADATA_URL TARGETS_URL KILL_AT_STEP TARGET_NAME TARGET_FILE\n",
        argv[0]);
    return 2;
  }
  long kill_at = std::strtol(argv[4], nullptr, 10);
  long steps = 0;
  UpdaterOptions options;
  options.metadata_dir = argv[1];
  options.metadata_url = argv[2];
  options.target_base_url = argv[3];
  options.persist_observer = [&](PersistStep step, const std::filesystem::path& file) {
    ++steps;
    if (steps == kill_at) {
      std::printf("killed after step %ld: %s %s\n", steps, std::string(to_string(step)).c_str(),
                  file.c_str());
      std::fflush(stdout);
      std::raise(SIGKILL);
    }
  };
  FetchOptions fetch_options;
  auto fetcher = make_fetcher_for(options.metadata_url, fetch_options);
  if (!fetcher) return 1;
  auto updater = Updater::open(options, **fetcher, **fetcher);
  if (!updater) return 1;
  if (auto done = (*updater)->refresh(); !done) {
    std::fprintf(stderr, "%s\n", done.error().describe().c_str());
    return 1;
  }
  auto found = (*updater)->find_target(argv[5]);
  if (!found || !*found) return 1;
  if (auto done = (*updater)->download_target(**found, argv[6]); !done) {
    std::fprintf(stderr, "%s\n", done.error().describe().c_str());
    return 1;
  }
  std::printf("steps %ld\n", steps);
  return 0;
}
