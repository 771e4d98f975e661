#include "tests/integration/trust/tuf_world.hpp"

#include <stdexcept>

#include "kiosk/core/atomic_file.hpp"

namespace shubbak::testing {

namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

template <class T>
T must(Expected<T> value, const char* what) {
  if (!value) throw std::runtime_error(std::string(what) + ": " + value.error().describe());
  return std::move(*value);
}

void must(Expected<void> value, const char* what) {
  if (!value) throw std::runtime_error(std::string(what) + ": " + value.error().describe());
}

}  // namespace

TufWorld::TufWorld(repo::InitOptions options) {
  m_repo = must(repo::Repository::init(m_dir / "repo", m_dir / "keys", options), "repo init");
  must(m_repo->publish(published()), "publish");
  m_server = std::make_unique<RepoServer>(published());
  auto root =
      must(read_whole_file(m_dir / "repo" / "metadata" / "1.root.json", 1 << 20), "read root");
  must(trust::initialize_metadata_dir(client_metadata(), root), "client init");
  // Short limits keep the slow-retrieval tests quick.
  fetch_options.deadline = std::chrono::seconds(10);
  fetch_options.min_bytes_per_second = 1000;
  fetch_options.min_rate_window = std::chrono::seconds(1);
}

void TufWorld::commit_and_publish() {
  must(m_repo->commit(), "commit");
  must(m_repo->publish(published()), "publish");
}

void TufWorld::add_target(const std::string& name, const std::string& content,
                          const std::string& role) {
  fs::path source = m_dir / "source-file";
  m_dir.write("source-file", content);
  must(m_repo->add_target(name, source, role, {}), "add target");
  commit_and_publish();
}

std::vector<std::string> TufWorld::role_keyids(const std::string& role) {
  Json* root = must(m_repo->signed_part("root"), "root");
  if (root->at("roles").contains(role))
    return (*root)["roles"][role]["keyids"].get<std::vector<std::string>>();
  for (const std::string parent : {"targets"}) {
    Json* targets = must(m_repo->signed_part(parent), "targets");
    for (const auto& delegated : (*targets)["delegations"]["roles"]) {
      if (delegated["name"] == role) return delegated["keyids"].get<std::vector<std::string>>();
    }
  }
  throw std::runtime_error("no keys for " + role);
}

std::string TufWorld::forge(const std::string& role, const std::function<void(Json&)>& mutate,
                            std::optional<std::vector<std::string>> keyids) {
  Json body = *must(m_repo->signed_part(role), "signed part");
  body["version"] = body["version"].get<std::uint64_t>() + 1;
  mutate(body);
  Json envelope = must(m_repo->sign(body, keyids ? *keyids : role_keyids(role)), "sign");
  return envelope.dump(1);
}

std::string TufWorld::published_metadata(const std::string& name) const {
  return must(read_whole_file(published() / "metadata" / name, 64 << 20), "published metadata");
}

std::string TufWorld::client_file(const std::string& name) const {
  auto bytes = read_whole_file(client_metadata() / name, 64 << 20);
  return bytes ? *bytes : std::string();
}

trust::UpdaterOptions TufWorld::updater_options() const {
  trust::UpdaterOptions options;
  options.metadata_dir = client_metadata();
  options.metadata_url = metadata_url();
  options.target_base_url = targets_url();
  return options;
}

std::unique_ptr<trust::Updater> TufWorld::updater(trust::UpdaterOptions options) {
  m_fetcher = must(trust::make_http_fetcher(fetch_options), "fetcher");
  return must(trust::Updater::open(std::move(options), *m_fetcher, *m_fetcher), "updater");
}

std::string TufWorld::refresh() {
  return refresh(updater_options());
}

std::string TufWorld::refresh(const trust::UpdaterOptions& options) {
  auto client = updater(options);
  auto done = client->refresh();
  return done ? std::string() : done.error().describe();
}

}  // namespace shubbak::testing
