// The verified metadata of one update cycle and the rules for accepting more: the heart of the
// specification's client workflow (section 5.3 to 5.6). No I/O here: the Updater fetches and
// persists, this class decides. Every refusal names the role and the reason.
//
// Not thread-safe; one update cycle owns one TrustedSet.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "kiosk/trust/metadata.hpp"

namespace shubbak::trust {

class TrustedSet {
 public:
  // The trusted root from local storage: it must be signed by its own root threshold. Its
  // expiry is checked only once the root chain is complete (check_final_root).
  static Expected<TrustedSet> from_trusted_root(std::string_view bytes, UnixSeconds reference_time);

  // 5.3.4-5.3.8: root N+1 must be signed by the threshold of root N and of itself, and carry
  // exactly version N+1.
  Expected<void> update_root(std::string_view bytes);
  // 5.3.10: the final root must not be expired.
  Expected<void> check_final_root() const;

  // 5.4. Returns false when the new timestamp has the same version as the trusted one (the
  // trusted one is kept, nothing to persist). An expired timestamp is refused (freeze attack).
  Expected<bool> update_timestamp(std::string_view bytes);
  // 5.5. `from_local_store` skips the hash check against the timestamp (a trusted copy may be
  // older than the new timestamp's snapshot); rollback and freeze checks always apply.
  Expected<void> update_snapshot(std::string_view bytes, bool from_local_store);
  // 5.6 and delegations: `role` delegated by `delegator` ("root" for top-level targets). A role
  // is loaded once per cycle; a second load of the same role is an internal error.
  Expected<void> update_targets(std::string_view bytes, const std::string& role,
                                const std::string& delegator);

  // The loaded `role` as `delegator` trusts it, or nullptr when the role is not loaded yet.
  // A role can be delegated by several roles with different keys (a "diamond"): the loaded copy
  // was verified against the delegator that first led to it, so it is verified again against
  // the keys and threshold of every other delegator before that delegator may use it.
  Expected<const Targets*> targets_via(const std::string& role, const std::string& delegator);

  // A timestamp or snapshot loaded from local storage, kept only for rollback checks.
  Expected<void> load_local_timestamp(std::string_view bytes);

  const Root& root() const { return m_root; }
  const std::optional<Timestamp>& timestamp() const { return m_timestamp; }
  const std::optional<Snapshot>& snapshot() const { return m_snapshot; }
  const Targets* targets(const std::string& role) const;
  UnixSeconds reference_time() const { return m_reference_time; }

 private:
  TrustedSet(Root root, UnixSeconds reference_time)
      : m_root(std::move(root)), m_reference_time(reference_time) {}
  Expected<void> check_final_snapshot() const;
  struct Delegation {
    const std::map<std::string, PublicKey>* keys;
    const RoleKeys* role_keys;
  };
  Expected<Delegation> delegation(const std::string& role, const std::string& delegator) const;
  Expected<void> verify_delegated(const Signed& meta, const std::string& role,
                                  const std::string& delegator) const;

  Root m_root;
  std::optional<Timestamp> m_timestamp;
  std::optional<Snapshot> m_snapshot;
  std::map<std::string, Targets> m_targets;  // "targets" and delegated roles
  // (delegator, role) pairs whose signatures were checked against that delegator's keys.
  std::set<std::pair<std::string, std::string>> m_verified_delegations;
  UnixSeconds m_reference_time;
};

}  // namespace shubbak::trust
