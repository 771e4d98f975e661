#include "provisioning/shubbakctl/kiosk_provisioning.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <functional>
#include <system_error>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "kiosk/core/atomic_file.hpp"
#include "kiosk/core/config.hpp"
#include "kiosk/core/hex.hpp"
#include "kiosk/core/kiosk_id.hpp"
#include "kiosk/crypto/bytes.hpp"
#include "kiosk/crypto/device_key.hpp"
#include "kiosk/crypto/tls_client_key.hpp"
#include "kiosk/net/https_client.hpp"
#include "kiosk/sync/portal_protocol.hpp"
#include "kiosk/trust/trusted_clock.hpp"
#include "kiosk/trust/trusted_set.hpp"
#include "provisioning/shubbakctl/config_file_edit.hpp"
#include "provisioning/shubbakctl/config_line_edit.hpp"
#include "provisioning/shubbakctl/kiosk_self_test.hpp"
#include "provisioning/shubbakctl/portal_failure.hpp"

namespace shubbak::provision {

namespace {

namespace fs = std::filesystem;

constexpr std::uintmax_t k_max_root_bytes = 1024 * 1024;
constexpr std::uintmax_t k_max_ca_bytes = 256 * 1024;
constexpr auto k_enrol_deadline = std::chrono::seconds(30);
constexpr std::size_t k_confirm_digits = 8;

// A TOML basic string.
std::string toml_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// Free text for a TOML comment: one line, no control characters.
std::string comment_text(std::string_view text) {
  std::string out;
  for (char c : text) out += static_cast<unsigned char>(c) < 0x20 ? ' ' : c;
  return out;
}

std::string lower_trimmed(std::string text) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  text.erase(text.begin(), std::find_if(text.begin(), text.end(), not_space));
  text.erase(std::find_if(text.rbegin(), text.rend(), not_space).base(), text.end());
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// Step 1: the root must be signed by its own root keys, and the technician must confirm it is
// the one the central admins announced. Returns its bytes.
Expected<std::string> accept_trusted_root(const ProvisionOptions& o, const Console& console) {
  auto bytes = read_whole_file(o.root, k_max_root_bytes);
  if (!bytes) return std::unexpected(bytes.error());
  auto trusted = trust::TrustedSet::from_trusted_root(*bytes, trust::system_unix_time());
  if (!trusted) {
    return fail(Errc::integrity, fmt::format("the trusted root {} is refused: {}", o.root.string(),
                                             trusted.error().message));
  }
  std::string fingerprint = to_hex(sha256(*bytes));
  std::fprintf(console.out, "Trusted root %s: version %llu\n  SHA-256 fingerprint: %s\n",
               o.root.c_str(), static_cast<unsigned long long>(trusted->root().meta.version),
               fingerprint.c_str());
  if (auto current = trusted->check_final_root(); !current) {
    // Still installable: the kiosk's updater moves on to the newest root the repository has.
    std::fprintf(console.out, "  note: %s\n", current.error().message.c_str());
  }
  if (o.assume_yes) return bytes;
  std::fprintf(console.out,
               "Compare it with the fingerprint you were given, then type its first %zu "
               "characters to confirm: ",
               k_confirm_digits);
  std::fflush(console.out);
  std::string typed = lower_trimmed(console.read_line());
  if (typed != fingerprint.substr(0, k_confirm_digits)) {
    return fail(Errc::cancelled, "the root's fingerprint was not confirmed; nothing was installed");
  }
  return bytes;
}

Expected<void> make_data_dir(const fs::path& dir) {
  std::error_code ec;
  bool created = fs::create_directories(dir, ec);
  if (ec) return fail(Errc::io, fmt::format("cannot create {}: {}", dir.string(), ec.message()));
  // Private keys live here: a directory this tool makes is for the kiosk's user alone.
  if (created) fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  return {};
}

// Step 3: the portal signs our CSR against the one-time token. Returns the certificate chain.
Expected<std::string> enrol(const ProvisionOptions& o, const TlsClientKey& tls_key,
                            const DeviceKey& device_key) {
  auto csr = tls_key.certificate_request(o.kiosk_id);
  if (!csr) return std::unexpected(csr.error());
  // Server-authenticated TLS only: the kiosk has no certificate until this request succeeds.
  auto client = HttpsClient::create(TlsOptions{o.portal_ca, {}, {}});
  if (!client) return std::unexpected(client.error());
  nlohmann::json request = {{"kiosk_id", o.kiosk_id},
                            {"token", o.token},
                            {"csr_pem", *csr},
                            {"device_public_key", base64_encode(device_key.public_key())}};
  std::string url = o.portal_url + std::string(portal_protocol::k_enroll_path);
  auto response = (*client)->post_json(url, request.dump(), k_enrol_deadline);
  EnrolmentContext context{url, o.portal_ca, o.kiosk_id};
  if (!response) return std::unexpected(explain_transport_failure(response.error(), context));
  auto body = nlohmann::json::parse(response->body, nullptr, false);
  if (response->status != 200) {
    std::string reason = body.is_object() && body.contains("error") && body["error"].is_string()
                             ? body["error"].get<std::string>()
                             : response->body.substr(0, 200);
    return std::unexpected(explain_refusal(response->status, reason, context));
  }
  if (!body.is_object() || !body.contains("certificate_chain") ||
      !body["certificate_chain"].is_string())
    return fail(Errc::parse, "the portal's enrolment reply has no certificate_chain");
  std::string chain = body["certificate_chain"].get<std::string>();
  if (auto ok = tls_key.check_certificate(chain, o.kiosk_id); !ok)
    return std::unexpected(ok.error());
  return chain;
}

// The keys provisioning installs, each with what it says in a loaded configuration.
struct InstalledKey {
  ConfigKeyEdit edit;
  std::string value;
  std::function<std::string(const Config&)> current;
};

std::vector<InstalledKey> installed_keys(const ProvisionOptions& o, const fs::path& data_dir) {
  auto file = [&](const char* name) { return (data_dir / name).string(); };
  std::string metadata =
      o.metadata_url.empty() ? o.portal_url + "/repository/metadata" : o.metadata_url;
  std::string targets =
      o.targets_url.empty() ? o.portal_url + "/repository/targets" : o.targets_url;
  auto key = [](const char* table, const char* name, std::string value,
                std::function<std::string(const Config&)> current) {
    return InstalledKey{{table, name, toml_string(value)}, value, std::move(current)};
  };
  return {
      key("kiosk", "id", o.kiosk_id, [](const Config& c) { return c.kiosk.id; }),
      key("kiosk", "data_dir", data_dir.string(),
          [](const Config& c) { return c.kiosk.data_dir.string(); }),
      key("portal", "url", o.portal_url, [](const Config& c) { return c.portal.url; }),
      key("portal", "ca_file", file(k_portal_ca_file),
          [](const Config& c) { return c.portal.ca_file.string(); }),
      key("portal", "client_cert", file(k_tls_cert_file),
          [](const Config& c) { return c.portal.client_cert.string(); }),
      key("portal", "client_key", file(k_tls_key_file),
          [](const Config& c) { return c.portal.client_key.string(); }),
      key("updates", "metadata_url", metadata,
          [](const Config& c) { return c.updates.metadata_url; }),
      key("updates", "targets_url", targets, [](const Config& c) { return c.updates.targets_url; }),
      key("updates", "trusted_root", file(k_trusted_root_file),
          [](const Config& c) { return c.updates.trusted_root.string(); }),
      key("updates", "ca_file", file(k_portal_ca_file),
          [](const Config& c) { return c.updates.ca_file.string(); }),
      key("updates", "client_cert", file(k_tls_cert_file),
          [](const Config& c) { return c.updates.client_cert.string(); }),
      key("updates", "client_key", file(k_tls_key_file),
          [](const Config& c) { return c.updates.client_key.string(); }),
  };
}

// A kiosk not configured before: a kiosk.toml of the installed keys alone, by table.
std::string config_text(const ProvisionOptions& o, const fs::path& data_dir) {
  std::string site = o.site.empty() ? o.kiosk_id : comment_text(o.site);
  std::string text = fmt::format(
      "# Written by shubbakctl kiosk provision. Every key is documented in\n"
      "# provisioning/etc/kiosk.toml; keys not set here take their defaults.\n"
      "# site: {}\n",
      site);
  std::string table;
  for (const auto& k : installed_keys(o, data_dir)) {
    if (k.edit.table != table) {
      table = k.edit.table;
      text += fmt::format("\n[{}]\n", table);
    }
    text += fmt::format("{} = {}\n", k.edit.key, k.edit.literal);
  }
  return text;
}

// A kiosk configured first and enrolled second keeps its configuration (language, rotation,
// printer, the technician's PIN): only the installed keys change, and a key already set to
// something else is a question for the technician (--force), never silently replaced. Asked
// before enrolment, so a refusal costs no token.
Expected<void> check_existing_config(const fs::path& config_path, const ProvisionOptions& o,
                                     const fs::path& data_dir) {
  std::string text;
  auto existing = load_config_text(config_path, &text);
  if (!existing) return std::unexpected(existing.error());
  std::string conflicts;
  for (const auto& k : installed_keys(o, data_dir)) {
    if (!has_toml_key(text, k.edit.table, k.edit.key)) continue;
    std::string now = k.current(*existing);
    if (now == k.value) continue;
    conflicts += fmt::format("\n  [{}] {} is \"{}\"; provisioning sets \"{}\"", k.edit.table,
                             k.edit.key, now, k.value);
  }
  if (conflicts.empty() || o.force) return {};
  return fail(Errc::invalid_argument,
              fmt::format("{} already says otherwise:{}\nnothing was changed; --force replaces "
                          "these keys (the old file is then kept as {}.before-provision)",
                          config_path.string(), conflicts, config_path.filename().string()));
}

Expected<void> merge_into_config(const fs::path& config_path, const ProvisionOptions& o,
                                 const fs::path& data_dir, const Console& console) {
  auto keys = installed_keys(o, data_dir);
  std::vector<ConfigKeyEdit> edits;
  for (const auto& k : keys) edits.push_back(k.edit);
  ConfigEditOptions options;
  options.backup_suffix = "before-provision";
  options.verify = [&keys](const Config& config) -> Expected<void> {
    for (const auto& k : keys) {
      if (k.current(config) != k.value)
        return fail(Errc::config,
                    fmt::format("[{}] {} does not read back", k.edit.table, k.edit.key));
    }
    return {};
  };
  if (auto edited = edit_config_file(config_path, edits, options); !edited) return edited;
  std::fprintf(
      console.out,
      "Configuration %s updated: every other line kept, the old file is %s.before-provision\n",
      config_path.c_str(), config_path.c_str());
  return {};
}

Expected<void> provision(ProvisionOptions o, const Console& console) {
  if (auto ok = check_kiosk_id(o.kiosk_id, "--kiosk-id"); !ok) return ok;
  if (!o.portal_url.starts_with("https://"))
    return fail(Errc::invalid_argument, "--portal must be an https:// URL");
  while (o.portal_url.ends_with('/')) o.portal_url.pop_back();
  if (o.token.empty()) return fail(Errc::invalid_argument, "--token is empty");
  auto portal_ca = read_whole_file(o.portal_ca, k_max_ca_bytes);
  if (!portal_ca) return std::unexpected(portal_ca.error());

  auto root = accept_trusted_root(o, console);
  if (!root) return std::unexpected(root.error());

  fs::path data_dir = fs::absolute(o.data_dir).lexically_normal();
  fs::path config_path = fs::absolute(o.config_path).lexically_normal();
  std::error_code ec;
  bool configured = fs::exists(config_path, ec);
  if (configured) {
    if (auto ok = check_existing_config(config_path, o, data_dir); !ok) return ok;
  }
  if (auto made = make_data_dir(data_dir); !made) return made;
  auto device_key = DeviceKey::load_or_create(data_dir / k_device_key_file);
  if (!device_key) return std::unexpected(device_key.error());
  auto tls_key = TlsClientKey::load_or_create(data_dir / k_tls_key_file);
  if (!tls_key) return std::unexpected(tls_key.error());
  std::fprintf(console.out, "Device keys ready in %s (device public key %s)\n", data_dir.c_str(),
               base64_encode((*device_key)->public_key()).c_str());

  auto chain = enrol(o, **tls_key, **device_key);
  if (!chain) return std::unexpected(chain.error());
  for (const auto& [file, content] : {std::pair{k_tls_cert_file, std::string_view(*chain)},
                                      std::pair{k_portal_ca_file, std::string_view(*portal_ca)},
                                      std::pair{k_trusted_root_file, std::string_view(*root)}}) {
    if (auto ok = write_file_atomically(data_dir / file, content); !ok) return ok;
  }
  std::fprintf(console.out, "Enrolled as %s; certificate, portal CA and trusted root installed\n",
               o.kiosk_id.c_str());

  if (configured) {
    if (auto merged = merge_into_config(config_path, o, data_dir, console); !merged) return merged;
  } else {
    fs::create_directories(config_path.parent_path(), ec);
    if (auto ok = write_file_atomically(config_path, config_text(o, data_dir)); !ok) return ok;
  }
  if (auto loaded = load_config(config_path); !loaded) {
    return fail(Errc::config, fmt::format("the written configuration does not load: {}",
                                          loaded.error().describe()));
  }
  std::fprintf(console.out, "Configuration written to %s\n", config_path.c_str());
  return {};
}

}  // namespace

int provision_kiosk(const ProvisionOptions& options, Console console) {
  if (auto done = provision(options, console); !done) {
    std::fprintf(stderr, "shubbakctl: provisioning refused: %s\n", done.error().describe().c_str());
    return 1;
  }
  std::fprintf(console.out, "Self-test:\n");
  bool passed = run_self_test(fs::absolute(options.config_path).lexically_normal(), console.out);
  std::fprintf(console.out, "%s\n",
               passed ? "Kiosk provisioned: every check passed"
                      : "Kiosk provisioned, but the self-test FAILED: see the FAIL lines above");
  return passed ? 0 : 1;
}

}  // namespace shubbak::provision
