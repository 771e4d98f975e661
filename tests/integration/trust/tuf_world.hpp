// One test's TUF world: an admin repository built with the shubbakctl library (keys generated
// now, in a temp dir), its published tree served over real HTTP on loopback, and a kiosk
// metadata directory initialized with the first root.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "kiosk/trust/updater.hpp"
#include "provisioning/shubbakctl/repository.hpp"
#include "tests/integration/trust/repo_server.hpp"
#include "tests/support/temp_dir.hpp"

namespace shubbak::testing {

class TufWorld {
 public:
  explicit TufWorld(repo::InitOptions options = {});

  repo::Repository& repo() { return *m_repo; }
  RepoServer& server() { return *m_server; }
  const std::filesystem::path& root() const { return m_dir.path(); }
  std::filesystem::path published() const { return m_dir / "pub"; }
  std::filesystem::path client_metadata() const { return m_dir / "kiosk-metadata"; }
  std::filesystem::path client_targets() const { return m_dir / "kiosk-targets"; }
  std::string metadata_url() const { return m_server->url() + "/metadata"; }
  std::string targets_url() const { return m_server->url() + "/targets"; }

  // Commits the repository and publishes it to the served directory.
  void commit_and_publish();
  // Adds a target file with `content` at `name`, signed by `role`, and publishes.
  void add_target(const std::string& name, const std::string& content,
                  const std::string& role = "targets");

  // The current signed part of `role`, changed by `mutate`, with a version one higher, signed
  // by the repository keys of `keyids` (default: the role's own keys). Does not touch the repo.
  std::string forge(const std::string& role, const std::function<void(nlohmann::json&)>& mutate,
                    std::optional<std::vector<std::string>> keyids = std::nullopt);
  std::vector<std::string> role_keyids(const std::string& role);

  std::string published_metadata(const std::string& name) const;
  std::string client_file(const std::string& name) const;

  trust::UpdaterOptions updater_options() const;
  // A new Updater over curl, like the kiosk's; the fetchers live in the world.
  std::unique_ptr<trust::Updater> updater(trust::UpdaterOptions options);
  std::unique_ptr<trust::Updater> updater() { return updater(updater_options()); }
  // A fresh refresh; the error message, or "" on success.
  std::string refresh();
  std::string refresh(const trust::UpdaterOptions& options);

  trust::FetchOptions fetch_options;

 private:
  TempDir m_dir;
  std::optional<repo::Repository> m_repo;
  std::unique_ptr<RepoServer> m_server;
  std::unique_ptr<trust::Fetcher> m_fetcher;
};

}  // namespace shubbak::testing
