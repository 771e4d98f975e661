#include "provisioning/shubbakctl/repo_report.hpp"

#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "kiosk/core/atomic_file.hpp"
#include "kiosk/core/hex.hpp"
#include "kiosk/crypto/bytes.hpp"

namespace shubbak::repo {

namespace {

using Json = nlohmann::json;

struct RoleLine {
  std::string name;
  std::uint64_t version = 0;
  std::string expires;
  std::size_t keys = 0;
  std::uint64_t threshold = 0;
  std::string signed_by;  // root, or the delegating role
};

// The keys and threshold of `role` as its delegator (root or a targets role) states them.
void read_keys(const Json& entry, RoleLine& line) {
  if (entry.contains("keyids") && entry["keyids"].is_array()) line.keys = entry["keyids"].size();
  if (entry.contains("threshold") && entry["threshold"].is_number_unsigned())
    line.threshold = entry["threshold"].get<std::uint64_t>();
}

std::vector<RoleLine> role_lines(Repository& repository) {
  std::vector<RoleLine> lines;
  auto root = repository.signed_part("root");
  for (const char* name : {"root", "targets", "snapshot", "timestamp"}) {
    RoleLine line;
    line.name = name;
    line.signed_by = "root";
    if (root) read_keys((**root)["roles"][name], line);
    lines.push_back(line);
  }
  for (const auto& delegator : repository.targets_roles()) {
    auto signed_json = repository.signed_part(delegator);
    if (!signed_json || !(*signed_json)->contains("delegations")) continue;
    for (const auto& entry : (**signed_json)["delegations"]["roles"]) {
      RoleLine line;
      line.name = entry.value("name", "?");
      line.signed_by = delegator;
      read_keys(entry, line);
      lines.push_back(line);
    }
  }
  for (auto& line : lines) {
    auto body = repository.signed_part(line.name);
    if (!body) continue;
    line.version = (**body).value("version", std::uint64_t{0});
    line.expires = (**body).value("expires", "");
  }
  return lines;
}

}  // namespace

int print_status(Repository& repository, trust::UnixSeconds now, std::FILE* out) {
  int status = 0;
  std::fprintf(out, "%-24s %8s  %-21s %5s %9s  %s\n", "role", "version", "expires", "keys",
               "threshold", "delegated by");
  for (const auto& line : role_lines(repository)) {
    std::string warning;
    auto expires = trust::parse_utc_time(line.expires);
    if (!expires || *expires <= now) {
      warning = "  EXPIRED: kiosks refuse it; re-sign it";
      status = 1;
    } else if (*expires - now < 86400) {
      warning = fmt::format("  expires in {} h: re-sign it", (*expires - now + 3599) / 3600);
      status = 1;
    }
    std::fprintf(out, "%-24s %8llu  %-21s %5zu %9llu  %s%s\n", line.name.c_str(),
                 static_cast<unsigned long long>(line.version), line.expires.c_str(), line.keys,
                 static_cast<unsigned long long>(line.threshold), line.signed_by.c_str(),
                 warning.c_str());
  }
  return status;
}

Expected<void> print_fingerprint(const Repository& repository, std::FILE* out) {
  auto path = repository.metadata_dir() / "root.json";
  auto bytes = read_whole_file(path, 1 << 20);
  if (!bytes) return std::unexpected(bytes.error());
  Json root = Json::parse(*bytes, nullptr, false);
  std::uint64_t version = root.is_object() && root.contains("signed")
                              ? root["signed"].value("version", std::uint64_t{0})
                              : 0;
  std::fprintf(out,
               "%s: root version %llu\n  SHA-256 fingerprint: %s\n"
               "The technician compares this with what `shubbakctl kiosk provision` shows.\n",
               path.c_str(), static_cast<unsigned long long>(version),
               to_hex(sha256(*bytes)).c_str());
  return {};
}

void print_signed(Repository& repository, const std::set<std::string>& roles, std::FILE* out) {
  if (roles.empty()) {
    std::fprintf(out, "nothing changed\n");
    return;
  }
  std::string signed_roles;
  std::set<std::string> all = roles;
  all.insert({"snapshot", "timestamp"});
  for (const auto& role : all) {
    auto body = repository.signed_part(role);
    if (!body) continue;
    signed_roles +=
        fmt::format("{}{} v{} (expires {})", signed_roles.empty() ? "" : ", ", role,
                    (**body).value("version", std::uint64_t{0}), (**body).value("expires", "?"));
  }
  std::fprintf(out, "signed %s; next: shubbakctl repo publish --out DIR\n", signed_roles.c_str());
}

}  // namespace shubbak::repo
