// shubbak-tuf: the TUF client on the command line, with the client-under-test interface of the
// TUF conformance suite. Exit 0 on full success, 1 on any failure (the reason on stderr).
//   shubbak-tuf --metadata-dir D init TRUSTED_ROOT_FILE
//   shubbak-tuf --metadata-dir D --metadata-url URL refresh
//   shubbak-tuf --metadata-dir D --metadata-url URL --target-name PATH [--target-name PATH ...]
//               --target-base-url URL --target-dir DIR download
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "kiosk/trust/updater.hpp"

namespace {

using namespace shubbak;
using namespace shubbak::trust;
namespace fs = std::filesystem;

constexpr int k_success = 0;
constexpr int k_failure = 1;

int report(const Error& error) {
  std::fprintf(stderr, "shubbak-tuf: %s\n", error.describe().c_str());
  return k_failure;
}

struct Arguments {
  fs::path metadata_dir;
  std::string metadata_url;
  std::vector<std::string> target_names;
  std::string target_base_url;
  fs::path target_dir;
  fs::path trusted_root;
};

int initialize(const Arguments& args) {
  auto root = read_whole_file(args.trusted_root, UpdaterOptions{}.max_root_bytes);
  if (!root) return report(root.error());
  auto done = initialize_metadata_dir(args.metadata_dir, *root);
  return done ? k_success : report(done.error());
}

struct Session {
  std::unique_ptr<Fetcher> metadata_fetcher;
  std::unique_ptr<Fetcher> target_fetcher;
  std::unique_ptr<Updater> updater;
};

Expected<Session> open_session(const Arguments& args) {
  Session session;
  FetchOptions fetch_options;
  auto metadata_fetcher = make_fetcher_for(args.metadata_url, fetch_options);
  if (!metadata_fetcher) return std::unexpected(metadata_fetcher.error());
  session.metadata_fetcher = std::move(*metadata_fetcher);
  auto target_fetcher = make_fetcher_for(args.target_base_url, fetch_options);
  if (!target_fetcher) return std::unexpected(target_fetcher.error());
  session.target_fetcher = std::move(*target_fetcher);
  UpdaterOptions options;
  options.metadata_dir = args.metadata_dir;
  options.metadata_url = args.metadata_url;
  options.target_base_url = args.target_base_url;
  auto updater =
      Updater::open(std::move(options), *session.metadata_fetcher, *session.target_fetcher);
  if (!updater) return std::unexpected(updater.error());
  session.updater = std::move(*updater);
  return session;
}

int refresh(const Arguments& args) {
  auto session = open_session(args);
  if (!session) return report(session.error());
  auto done = session->updater->refresh();
  return done ? k_success : report(done.error());
}

int download(const Arguments& args) {
  auto session = open_session(args);
  if (!session) return report(session.error());
  if (auto done = session->updater->refresh(); !done) return report(done.error());
  std::error_code ec;
  fs::create_directories(args.target_dir, ec);
  if (ec)
    return report(Error{
        Errc::io, fmt::format("cannot create {}: {}", args.target_dir.string(), ec.message())});
  for (const auto& name : args.target_names) {
    auto found = session->updater->find_target(name);
    if (!found) return report(found.error());
    if (!*found)
      return report(
          Error{Errc::not_found, fmt::format("target {}: no trusted role lists it", name)});
    fs::path file = args.target_dir / percent_encode(name);
    if (session->updater->is_cached(**found, file)) continue;
    if (auto done = session->updater->download_target(**found, file); !done)
      return report(done.error());
  }
  return k_success;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"TUF client: verify and download signed targets"};
  Arguments args;
  app.add_option("--metadata-dir", args.metadata_dir, "directory of trusted metadata")->required();
  app.add_option("--metadata-url", args.metadata_url, "repository metadata URL or directory");
  app.add_option("--target-name", args.target_names,
                 "target path to download (repeatable, in order)");
  app.add_option("--target-base-url", args.target_base_url, "repository targets URL or directory");
  app.add_option("--target-dir", args.target_dir, "where verified targets are stored");
  app.require_subcommand(1);
  auto* init = app.add_subcommand("init", "install a trusted root (no network access)");
  init->add_option("TRUSTED_ROOT", args.trusted_root, "the trusted root.json")->required();
  auto* refresh_command = app.add_subcommand("refresh", "update the trusted metadata");
  auto* download_command =
      app.add_subcommand("download", "refresh, then download and verify targets");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? k_success : k_failure;
  }
  if (init->parsed()) return initialize(args);
  if (args.metadata_url.empty())
    return report(Error{Errc::invalid_argument, "--metadata-url is required"});
  if (refresh_command->parsed()) return refresh(args);
  if (download_command->parsed()) {
    if (args.target_names.empty() || args.target_base_url.empty() || args.target_dir.empty()) {
      return report(Error{Errc::invalid_argument,
                          "download needs --target-name, --target-base-url and --target-dir"});
    }
    return download(args);
  }
  return k_failure;
}
