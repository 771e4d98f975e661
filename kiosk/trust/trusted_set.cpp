#include "kiosk/trust/trusted_set.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace shubbak::trust {

namespace {

std::unexpected<Error> refuse(std::string_view role, std::string reason) {
  return fail(Errc::integrity, fmt::format("{}: {}", role, reason));
}

bool expired(const Signed& meta, UnixSeconds now) {
  return now >= meta.expires;
}

std::string expiry_reason(const Signed& meta) {
  return fmt::format("version {} expired at {} (freeze attack or stale repository)", meta.version,
                     format_utc_time(meta.expires));
}

}  // namespace

Expected<TrustedSet> TrustedSet::from_trusted_root(std::string_view bytes,
                                                   UnixSeconds reference_time) {
  auto root = parse_root(bytes);
  if (!root) return std::unexpected(root.error());
  auto signed_ok = verify_threshold(root->keys, root->roles.at("root"), root->meta, "root");
  if (!signed_ok) return refuse("root", "the trusted root is not signed by its own threshold");
  return TrustedSet(std::move(*root), reference_time);
}

Expected<void> TrustedSet::update_root(std::string_view bytes) {
  if (m_timestamp) return fail(Errc::internal, "root cannot be updated after the timestamp");
  auto new_root = parse_root(bytes);
  if (!new_root) return std::unexpected(new_root.error());
  auto by_old = verify_threshold(m_root.keys, m_root.roles.at("root"), new_root->meta, "root");
  if (!by_old) {
    return refuse(
        "root", fmt::format("version {} is not signed by the threshold of trusted version {} ({})",
                            new_root->meta.version, m_root.meta.version, by_old.error().message));
  }
  if (new_root->meta.version != m_root.meta.version + 1) {
    return refuse("root", fmt::format("expected version {}, got {} (rollback or skipped version)",
                                      m_root.meta.version + 1, new_root->meta.version));
  }
  auto by_new =
      verify_threshold(new_root->keys, new_root->roles.at("root"), new_root->meta, "root");
  if (!by_new) {
    return refuse("root", fmt::format("version {} is not signed by its own threshold ({})",
                                      new_root->meta.version, by_new.error().message));
  }
  m_root = std::move(*new_root);
  return {};
}

Expected<void> TrustedSet::check_final_root() const {
  if (expired(m_root.meta, m_reference_time)) return refuse("root", expiry_reason(m_root.meta));
  return {};
}

Expected<void> TrustedSet::load_local_timestamp(std::string_view bytes) {
  auto timestamp = parse_timestamp(bytes);
  if (!timestamp) return std::unexpected(timestamp.error());
  auto verified =
      verify_threshold(m_root.keys, m_root.roles.at("timestamp"), timestamp->meta, "timestamp");
  if (!verified) return std::unexpected(verified.error());
  m_timestamp = std::move(*timestamp);
  return {};
}

Expected<bool> TrustedSet::update_timestamp(std::string_view bytes) {
  if (m_snapshot) return fail(Errc::internal, "timestamp cannot be updated after the snapshot");
  auto root_ok = check_final_root();
  if (!root_ok) return std::unexpected(root_ok.error());
  auto timestamp = parse_timestamp(bytes);
  if (!timestamp) return std::unexpected(timestamp.error());
  auto verified =
      verify_threshold(m_root.keys, m_root.roles.at("timestamp"), timestamp->meta, "timestamp");
  if (!verified) return std::unexpected(verified.error());
  bool replaced = true;
  if (m_timestamp) {
    if (timestamp->meta.version < m_timestamp->meta.version) {
      return refuse("timestamp",
                    fmt::format("version {} is older than the trusted version {} (rollback attack)",
                                timestamp->meta.version, m_timestamp->meta.version));
    }
    if (timestamp->snapshot.version < m_timestamp->snapshot.version) {
      return refuse("timestamp",
                    fmt::format("it names snapshot version {}, older than the trusted {} (rollback "
                                "attack)",
                                timestamp->snapshot.version, m_timestamp->snapshot.version));
    }
    replaced = timestamp->meta.version != m_timestamp->meta.version;
  }
  if (replaced) m_timestamp = std::move(*timestamp);
  if (expired(m_timestamp->meta, m_reference_time))
    return refuse("timestamp", expiry_reason(m_timestamp->meta));
  return replaced;
}

Expected<void> TrustedSet::update_snapshot(std::string_view bytes, bool from_local_store) {
  if (!m_timestamp) return fail(Errc::internal, "snapshot cannot be updated before the timestamp");
  if (!m_targets.empty()) return fail(Errc::internal, "snapshot cannot be updated after targets");
  if (expired(m_timestamp->meta, m_reference_time))
    return refuse("timestamp", expiry_reason(m_timestamp->meta));
  if (!from_local_store) {
    auto matches = verify_file_info(m_timestamp->snapshot.info, bytes, "snapshot");
    if (!matches)
      return refuse("snapshot", matches.error().message + " (as listed in the timestamp)");
  }
  auto snapshot = parse_snapshot(bytes);
  if (!snapshot) return std::unexpected(snapshot.error());
  auto verified =
      verify_threshold(m_root.keys, m_root.roles.at("snapshot"), snapshot->meta, "snapshot");
  if (!verified) return std::unexpected(verified.error());
  if (m_snapshot) {
    for (const auto& [name, old_info] : m_snapshot->meta_files) {
      auto now = snapshot->meta_files.find(name);
      if (now == snapshot->meta_files.end()) {
        return refuse("snapshot", fmt::format("the new snapshot drops {} (rollback attack)", name));
      }
      if (now->second.version < old_info.version) {
        return refuse("snapshot",
                      fmt::format("{} goes back from version {} to {} (rollback attack)", name,
                                  old_info.version, now->second.version));
      }
    }
  }
  m_snapshot = std::move(*snapshot);
  return check_final_snapshot();
}

Expected<void> TrustedSet::check_final_snapshot() const {
  if (expired(m_snapshot->meta, m_reference_time))
    return refuse("snapshot", expiry_reason(m_snapshot->meta));
  if (m_snapshot->meta.version != m_timestamp->snapshot.version) {
    return refuse(
        "snapshot",
        fmt::format("version {} is not the version {} the timestamp names (mix-and-match or "
                    "rollback)",
                    m_snapshot->meta.version, m_timestamp->snapshot.version));
  }
  return {};
}

Expected<TrustedSet::Delegation> TrustedSet::delegation(const std::string& role,
                                                        const std::string& delegator) const {
  if (delegator == "root") {
    if (role != "targets")
      return fail(Errc::internal, fmt::format("{}: root delegates only to targets", role));
    return Delegation{&m_root.keys, &m_root.roles.at("targets")};
  }
  const Targets* parent = targets(delegator);
  if (parent == nullptr) {
    return fail(Errc::internal, fmt::format("{}: its delegator {} is not loaded", role, delegator));
  }
  if (parent->delegations) {
    for (const auto& delegated : parent->delegations->roles) {
      if (delegated.name == role) return Delegation{&parent->delegations->keys, &delegated.keys};
    }
  }
  return refuse(role, fmt::format("{} does not delegate to it", delegator));
}

Expected<void> TrustedSet::verify_delegated(const Signed& meta, const std::string& role,
                                            const std::string& delegator) const {
  auto from = delegation(role, delegator);
  if (!from) return std::unexpected(from.error());
  auto verified = verify_threshold(*from->keys, *from->role_keys, meta, role);
  if (!verified && delegator != "root") {
    // Name the delegation and its keys: with several delegators, which one refused matters.
    return fail(verified.error().code,
                fmt::format("{} for the delegation from {} (key ids {})", verified.error().message,
                            delegator, fmt::join(from->role_keys->keyids, ", ")));
  }
  return verified;
}

Expected<void> TrustedSet::update_targets(std::string_view bytes, const std::string& role,
                                          const std::string& delegator) {
  if (!m_snapshot) return fail(Errc::internal, "targets cannot be loaded before the snapshot");
  if (m_targets.contains(role))
    return fail(Errc::internal, fmt::format("{}: already loaded in this update cycle", role));
  auto final_snapshot = check_final_snapshot();
  if (!final_snapshot) return final_snapshot;
  // Before any parsing: the delegator must delegate to this role at all.
  if (auto from = delegation(role, delegator); !from) return std::unexpected(from.error());

  auto listed = m_snapshot->meta_files.find(role + ".json");
  if (listed == m_snapshot->meta_files.end()) return refuse(role, "the snapshot does not list it");
  auto matches = verify_file_info(listed->second.info, bytes, role);
  if (!matches) return refuse(role, matches.error().message + " (as listed in the snapshot)");
  auto parsed = parse_targets(bytes, role);
  if (!parsed) return std::unexpected(parsed.error());
  auto verified = verify_delegated(parsed->meta, role, delegator);
  if (!verified) return verified;
  if (parsed->meta.version != listed->second.version) {
    return refuse(
        role, fmt::format("version {} is not the version {} the snapshot names (mix-and-match or "
                          "rollback)",
                          parsed->meta.version, listed->second.version));
  }
  if (expired(parsed->meta, m_reference_time)) return refuse(role, expiry_reason(parsed->meta));
  m_targets.emplace(role, std::move(*parsed));
  m_verified_delegations.emplace(delegator, role);
  return {};
}

Expected<const Targets*> TrustedSet::targets_via(const std::string& role,
                                                 const std::string& delegator) {
  auto it = m_targets.find(role);
  if (it == m_targets.end()) return nullptr;
  if (!m_verified_delegations.contains({delegator, role})) {
    auto verified = verify_delegated(it->second.meta, role, delegator);
    if (!verified) return std::unexpected(verified.error());
    m_verified_delegations.emplace(delegator, role);
  }
  return &it->second;
}

const Targets* TrustedSet::targets(const std::string& role) const {
  auto it = m_targets.find(role);
  return it == m_targets.end() ? nullptr : &it->second;
}

}  // namespace shubbak::trust
