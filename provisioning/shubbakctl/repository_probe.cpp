#include "provisioning/shubbakctl/repository_probe.hpp"

#include <cstdlib>

#include <filesystem>

#include <fmt/format.h>

#include "kiosk/core/atomic_file.hpp"
#include "kiosk/trust/updater.hpp"

namespace shubbak::provision {

namespace {

namespace fs = std::filesystem;

constexpr std::uintmax_t k_max_root_bytes = 512 * 1024;

// A private directory removed when the probe ends, whatever happened.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (fs::temp_directory_path() / "shubbak-self-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) m_path = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!m_path.empty()) fs::remove_all(m_path, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const fs::path& path() const { return m_path; }

 private:
  fs::path m_path;
};

Expected<std::string> verify(const Config& config, const fs::path& metadata_dir) {
  const auto& u = config.updates;
  auto root = read_whole_file(u.trusted_root, k_max_root_bytes);
  if (!root) return std::unexpected(root.error());
  if (auto ok = trust::initialize_metadata_dir(metadata_dir, *root); !ok)
    return fail(ok.error().code,
                fmt::format("trusted root {}: {}", u.trusted_root.string(), ok.error().message));
  trust::FetchOptions fetch;
  fetch.deadline = std::chrono::seconds(60);
  if (!u.ca_file.empty()) fetch.ca_file = u.ca_file;
  if (!u.client_cert.empty()) fetch.client_cert = u.client_cert;
  if (!u.client_key.empty()) fetch.client_key = u.client_key;
  auto metadata_fetcher = trust::make_fetcher_for(u.metadata_url, fetch);
  if (!metadata_fetcher) return std::unexpected(metadata_fetcher.error());
  auto target_fetcher = trust::make_fetcher_for(u.targets_url, fetch);
  if (!target_fetcher) return std::unexpected(target_fetcher.error());
  trust::UpdaterOptions options;
  options.metadata_dir = metadata_dir;
  options.metadata_url = u.metadata_url;
  options.target_base_url = u.targets_url;
  auto updater = trust::Updater::open(options, **metadata_fetcher, **target_fetcher);
  if (!updater) return std::unexpected(updater.error());
  if (auto refreshed = (*updater)->refresh(); !refreshed) return std::unexpected(refreshed.error());
  auto bundles = (*updater)->list_targets("services/");
  if (!bundles) return std::unexpected(bundles.error());
  if (bundles->empty()) {
    return fail(Errc::not_found,
                fmt::format("the repository at {} verifies but offers no service (no target under "
                            "services/): the kiosk stays out of service until one is published",
                            u.metadata_url));
  }
  return fmt::format(
      "metadata verified from {}: {} service bundle(s); the kiosk checks at its start, then "
      "every {} minutes (plus up to {}%)",
      u.metadata_url, bundles->size(), u.interval_minutes, u.jitter_percent);
}

}  // namespace

Expected<std::string> probe_repository(const Config& config) {
  if (config.updates.metadata_url.empty())
    return fail(Errc::config, "[updates] metadata_url is not set: the kiosk gets no services");
  ScratchDir scratch;
  if (scratch.path().empty())
    return fail(Errc::io, "cannot make a temporary directory for the repository check");
  auto verified = verify(config, scratch.path());
  if (!verified) {
    return fail(verified.error().code,
                fmt::format("the service repository cannot be used: {}", verified.error().message));
  }
  return verified;
}

}  // namespace shubbak::provision
