// shubbakctl: the back-office tool. `shubbakctl repo ...` signs and publishes service bundles as
// a TUF repository; private keys stay in the admin's key directory (PEM files, mode 0600).
// `shubbakctl kiosk provision ...` is the technician's side: it runs on the kiosk and enrols it.
// Exit codes: 0 done, 1 refused or failed (the reason on stderr), 2 bad command line.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "kiosk/core/config.hpp"
#include "kiosk/trust/trusted_clock.hpp"
#include "provisioning/shubbakctl/bundle_lint.hpp"
#include "provisioning/shubbakctl/journal_acceptance.hpp"
#include "provisioning/shubbakctl/kiosk_provisioning.hpp"
#include "provisioning/shubbakctl/publish_rules.hpp"
#include "provisioning/shubbakctl/receipt_verify.hpp"
#include "provisioning/shubbakctl/repo_report.hpp"
#include "provisioning/shubbakctl/repo_rollout.hpp"
#include "provisioning/shubbakctl/repository.hpp"
#include "provisioning/shubbakctl/technician_pin.hpp"

namespace {

using namespace shubbak;
using namespace shubbak::repo;
namespace fs = std::filesystem;

constexpr int k_failed = 1;
constexpr int k_bad_usage = 2;

int report(const Error& error) {
  std::fprintf(stderr, "shubbakctl: %s\n", error.describe().c_str());
  return k_failed;
}

Expected<KeyScheme> parse_scheme(const std::string& name) {
  if (name == "ed25519") return KeyScheme::ed25519;
  if (name == "ecdsa") return KeyScheme::ecdsa_p256;
  if (name == "rsa") return KeyScheme::rsa_pss_sha256;
  return fail(Errc::invalid_argument,
              fmt::format("key type \"{}\" is not ed25519, ecdsa or rsa", name));
}

struct RepoArguments {
  fs::path repo;
  fs::path keys;
  std::vector<fs::path> co_signers;
  std::string key_type = "ed25519";
  int root_keys = 1, root_threshold = 1;
  int key_count = 1, threshold = 1;
  bool no_consistent_snapshot = false;
  std::string role = "targets";
  std::string name;
  fs::path file;
  std::vector<std::string> paths;
  bool terminating = false;
  std::string from = "targets";
  int days = 0;
  std::string expires;
  bool expired_drill = false;
  fs::path out;
  std::string waves;
  std::vector<std::string> groups;
  std::string to_version;
  bool emergency = false;
};

// Opens the repository, applies `edit`, commits (signs and writes).
template <class Edit>
int edit_repository(const RepoArguments& args, Edit edit) {
  auto repository = Repository::open(args.repo, args.keys, args.co_signers);
  if (!repository) return report(repository.error());
  if (auto done = edit(*repository); !done) return report(done.error());
  std::set<std::string> changed = repository->changed();
  if (auto done = repository->commit(); !done) return report(done.error());
  print_signed(*repository, changed, stdout);
  return 0;
}

}  // namespace

// Every file checked, every error printed; exit 1 if any bundle is invalid.
int lint_bundles(const std::vector<std::string>& files) {
  int exit_code = 0;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "%s: cannot read\n", file.c_str());
      exit_code = 1;
      continue;
    }
    std::stringstream bytes;
    bytes << in.rdbuf();
    if (auto ok = lint_service_bundle(file, bytes.str()); !ok) {
      std::fprintf(stderr, "%s\n", ok.error().message.c_str());
      exit_code = 1;
    } else {
      std::printf("%s: ok\n", file.c_str());
    }
  }
  return exit_code;
}

int main(int argc, char** argv) {
  CLI::App app{"Shubbak back-office tool"};
  app.require_subcommand(1);
  RepoArguments args;
  auto* repo = app.add_subcommand("repo", "sign and publish service bundles (a TUF repository)");
  repo->require_subcommand(1);
  repo->add_option("--repo", args.repo, "the repository's working directory")->required();
  repo->add_option("--keys", args.keys, "the admin's private key directory (never published)")
      ->required();
  repo->add_option("--co-signer-keys", args.co_signers,
                   "another key holder's key directory whose keys sign too (repeatable), e.g. "
                   "the second root key holder's USB stick");
  repo->fallthrough(false);

  auto* init = repo->add_subcommand("init", "create keys and the first signed metadata");
  init->add_option("--key-type", args.key_type, "ed25519, ecdsa or rsa");
  init->add_option("--root-keys", args.root_keys, "number of root keys");
  init->add_option("--root-threshold", args.root_threshold, "root signatures required");
  init->add_flag("--no-consistent-snapshot", args.no_consistent_snapshot,
                 "publish unversioned names only");

  auto* add =
      repo->add_subcommand("add", "add or replace a target (service bundles are linted first)");
  add->add_option("--file", args.file, "the file to sign")->required();
  add->add_option("--name", args.name, "target path, e.g. services/health/clinic.json")->required();
  add->add_option("--role", args.role, "the role that signs it (default targets)");

  auto* remove = repo->add_subcommand("remove", "remove a target");
  remove->add_option("--name", args.name, "target path")->required();
  remove->add_option("--role", args.role, "the role that lists it (default targets)");

  auto* delegate =
      repo->add_subcommand("delegate", "delegate path patterns to a ministry's new keys");
  delegate->add_option("--name", args.name, "delegated role name, e.g. health")->required();
  delegate->add_option("--path", args.paths, "path pattern, e.g. 'services/health/*' (repeatable)")
      ->required();
  delegate->add_option("--from", args.from, "delegating role (default targets)");
  delegate->add_option("--key-count", args.key_count, "number of keys");
  delegate->add_option("--threshold", args.threshold, "signatures required");
  delegate->add_option("--key-type", args.key_type, "ed25519, ecdsa or rsa");
  delegate->add_flag("--terminating", args.terminating,
                     "no other role is searched for these paths");

  auto* rotate = repo->add_subcommand("rotate", "replace a role's keys with new ones");
  rotate->add_option("--role", args.role, "root, targets, snapshot, timestamp or a delegated role")
      ->required();
  rotate->add_option("--key-count", args.key_count, "number of new keys");
  rotate->add_option("--threshold", args.threshold, "signatures required");
  rotate->add_option("--key-type", args.key_type, "ed25519, ecdsa or rsa");

  auto* resign = repo->add_subcommand("resign", "re-sign snapshot and timestamp with fresh expiry");

  auto* expires = repo->add_subcommand("expires", "set a role's expiry");
  expires->add_option("--role", args.role, "the role")->required();
  auto* days = expires->add_option("--days", args.days, "days from now");
  auto* at = expires->add_option("--at", args.expires, "UTC time, e.g. 2030-01-01T00:00:00Z");
  days->excludes(at);
  expires->add_flag("--expired-drill", args.expired_drill,
                    "sign a past expiry on purpose: a drill that kiosks refuse the metadata");

  auto* publish =
      repo->add_subcommand("publish", "lay out metadata and targets for static hosting");
  auto* status = repo->add_subcommand(
      "status", "each role's version, expiry, keys and threshold; exit 1 if one has expired");
  auto* fingerprint = repo->add_subcommand(
      "fingerprint", "the root's SHA-256 fingerprint, as kiosk provision shows it");

  auto* rollout = repo->add_subcommand(
      "rollout", "stage a target's version in waves and groups (signed in its custom field)");
  rollout->require_subcommand(1);
  auto* rollout_start = rollout->add_subcommand("start", "put the target's version under waves");
  rollout_start->add_option("--waves", args.waves, "e.g. 1%:0h,10%:24h,50%:48h,100%:72h")
      ->required();
  rollout_start->add_option("--groups", args.groups, "only kiosks in these groups (e.g. pilot)")
      ->delimiter(',');
  auto* rollout_status = rollout->add_subcommand("status", "each rollout's waves and state");
  auto* rollout_advance = rollout->add_subcommand("advance", "open the next wave now");
  rollout_advance->add_flag("--emergency", args.emergency,
                            "open every wave now and lift a halt (an urgent fix)");
  auto* rollout_halt = rollout->add_subcommand("halt", "stop the version reaching more kiosks");
  auto* rollout_resume = rollout->add_subcommand("resume", "let the waves go on after a halt");
  auto* rollout_rollback = rollout->add_subcommand(
      "rollback", "sign an earlier version again: every kiosk returns to it");
  rollout_rollback->add_option("--to", args.to_version, "the version (the bundle's \"version\")")
      ->required();
  for (auto* command :
       {rollout_start, rollout_advance, rollout_halt, rollout_resume, rollout_rollback}) {
    command->add_option("--name", args.name, "the target, e.g. services/health/clinic.json")
        ->required();
    command->add_option("--out", args.out,
                        "publish there once signed, as `repo publish --out` (a halt reaches "
                        "kiosks at their next check)");
  }
  rollout_status->add_option("--name", args.name, "only this target");

  std::vector<std::string> lint_files;
  auto* bundle = app.add_subcommand("bundle", "service bundles");
  bundle->require_subcommand(1);
  auto* lint =
      bundle->add_subcommand("lint", "check bundles as a kiosk would (exit 1 on any error)");
  lint->add_option("files", lint_files, "bundle files")->required();
  publish->add_option("--out", args.out, "output directory (out/metadata, out/targets)")
      ->required();

  provision::ProvisionOptions provisioning;
  auto* kiosk = app.add_subcommand("kiosk", "set up the kiosk this runs on (technicians)");
  kiosk->require_subcommand(1);
  auto* provision_cmd = kiosk->add_subcommand(
      "provision",
      "make device keys, enrol at the portal, install the trusted root, write "
      "kiosk.toml, run the self-test (exit 0 only when every check passes)");
  provision_cmd->add_option("--kiosk-id", provisioning.kiosk_id, "this kiosk's id")->required();
  provision_cmd->add_option("--site", provisioning.site,
                            "where it stands (a comment in kiosk.toml)");
  provision_cmd->add_option("--portal", provisioning.portal_url, "the portal, https://HOST:PORT")
      ->required();
  provision_cmd
      ->add_option("--ca-file", provisioning.portal_ca, "the portal's CA certificate (PEM)")
      ->required();
  provision_cmd->add_option("--token", provisioning.token, "the one-time enrolment token")
      ->required();
  provision_cmd->add_option("--root", provisioning.root, "the trusted TUF root.json")->required();
  provisioning.data_dir = "/var/lib/shubbak";
  provision_cmd->add_option("--data-dir", provisioning.data_dir,
                            "keys, certificate and journal (default /var/lib/shubbak)");
  provisioning.config_path = std::string(k_default_config_path);
  provision_cmd->add_option("--config", provisioning.config_path,
                            "the kiosk.toml to write (default /etc/shubbak/kiosk.toml)");
  provision_cmd->add_option("--metadata-url", provisioning.metadata_url,
                            "TUF metadata (default PORTAL/repository/metadata)");
  provision_cmd->add_option("--targets-url", provisioning.targets_url,
                            "TUF targets (default PORTAL/repository/targets)");
  provision_cmd->add_flag("--yes", provisioning.assume_yes,
                          "do not ask to confirm the root's fingerprint");
  provision_cmd->add_flag("--force", provisioning.force,
                          "replace keys an existing kiosk.toml sets to other values (a backup "
                          "is kept); every other line is kept either way");

  provision::SetPinOptions set_pin;
  auto* set_pin_cmd = kiosk->add_subcommand(
      "set-pin",
      "set the technician mode's PIN (read twice from stdin; exit 0 set, 1 refused, "
      "2 usage or file error)");
  set_pin_cmd->add_option("--config", set_pin.config_path,
                          "set [technician] pin_hash in this kiosk.toml (default: print the line)");

  provision::AcceptJournalOptions accept_journal;
  accept_journal.config_path = std::string(k_default_config_path);
  std::string accept_data_dir;
  auto* accept_journal_cmd =
      kiosk->add_subcommand("accept-new-journal",
                            "after a lost or emptied journal: start a new one that continues the "
                            "sequence (kiosk stopped; "
                            "exit 0 accepted, 1 refused, 2 usage)");
  accept_journal_cmd->add_option("--config", accept_journal.config_path,
                                 "the kiosk's kiosk.toml (default /etc/shubbak/kiosk.toml)");
  accept_journal_cmd->add_option("--data-dir", accept_data_dir,
                                 "the data directory (default: the configuration's)");
  accept_journal_cmd
      ->add_option("--reason", accept_journal.reason, "why (recorded in the audit log)")
      ->required();
  accept_journal_cmd->add_option(
      "--continue-after", accept_journal.continue_after,
      "continue after this sequence if it is higher than the kiosk's own mark "
      "(e.g. the portal's last sequence for this kiosk)");

  receipt_tools::VerifyRequest receipt_request;
  auto* receipt = app.add_subcommand("receipt", "receipts printed by kiosks");
  receipt->require_subcommand(1);
  auto* receipt_verify = receipt->add_subcommand(
      "verify", "check a receipt's signed QR code offline (exit 0 valid, 1 invalid, 2 usage)");
  receipt_verify
      ->add_option("subject", receipt_request.subject,
                   "the QR code's text (SR1:...) or a PNG of the receipt")
      ->required();
  auto* key_option = receipt_verify->add_option("--key", receipt_request.key_file,
                                                "the kiosk's device public key (PEM)");
  auto* cert_option = receipt_verify->add_option("--cert", receipt_request.cert_file,
                                                 "a certificate for the kiosk's device key (PEM)");
  key_option->excludes(cert_option);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : k_bad_usage;
  }
  if (lint->parsed()) return lint_bundles(lint_files);
  if (receipt_verify->parsed())
    return receipt_tools::verify_receipt(receipt_request, stdout, stderr);
  if (set_pin_cmd->parsed()) return provision::set_technician_pin(set_pin, stdout, stderr);
  if (accept_journal_cmd->parsed()) {
    if (!accept_data_dir.empty()) accept_journal.data_dir = accept_data_dir;
    return provision::accept_new_journal(accept_journal, stdout, stderr);
  }
  if (provision_cmd->parsed()) {
    provision::Console console{[] {
      std::string line;
      std::getline(std::cin, line);
      return line;
    }};
    return provision::provision_kiosk(provisioning, console);
  }
  auto scheme = parse_scheme(args.key_type);
  if (!scheme) return report(scheme.error());

  if (init->parsed()) {
    InitOptions options;
    options.scheme = *scheme;
    options.root = RoleSetup{args.root_keys, args.root_threshold};
    options.consistent_snapshot = !args.no_consistent_snapshot;
    auto created = Repository::init(args.repo, args.keys, options);
    if (!created) return report(created.error());
    auto printed = print_fingerprint(*created, stdout);
    return printed ? 0 : report(printed.error());
  }
  if (add->parsed()) {
    // Nothing a kiosk would refuse is signed: the lint, then the publishing rules.
    return edit_repository(args, [&](Repository& r) -> Expected<void> {
      auto checked = [&](const std::filesystem::path& file, std::string_view bytes) {
        auto linted = lint_service_bundle(file, bytes);
        return linted ? check_publishable(r, args.name, args.role, bytes) : linted;
      };
      if (!args.name.starts_with("services/")) {
        if (auto ok = check_publishable(r, args.name, args.role, {}); !ok) return ok;
      }
      return r.add_target(args.name, args.file, args.role, checked);
    });
  }
  if (remove->parsed())
    return edit_repository(args,
                           [&](Repository& r) { return r.remove_target(args.name, args.role); });
  if (delegate->parsed()) {
    DelegationRequest request{args.name,        args.from,
                              args.paths,       RoleSetup{args.key_count, args.threshold},
                              args.terminating, *scheme};
    return edit_repository(args, [&](Repository& r) { return r.delegate(request); });
  }
  if (rotate->parsed()) {
    return edit_repository(args, [&](Repository& r) {
      return r.rotate(args.role, RoleSetup{args.key_count, args.threshold}, *scheme);
    });
  }
  if (resign->parsed()) {
    return edit_repository(args, [&](Repository& r) -> Expected<void> {
      r.resign_snapshot_and_timestamp();
      return {};
    });
  }
  if (expires->parsed()) {
    trust::UnixSeconds when = trust::system_unix_time() + std::int64_t{args.days} * 86400;
    if (!args.expires.empty()) {
      auto parsed = trust::parse_utc_time(args.expires);
      if (!parsed) return report(parsed.error());
      when = *parsed;
    } else if (args.days <= 0) {
      return report(Error{Errc::invalid_argument, "give --days N (N > 0) or --at TIME"});
    }
    if (auto sane = check_expiry(args.role, when, trust::system_unix_time());
        !sane && !(args.expired_drill && when <= trust::system_unix_time())) {
      return report(sane.error());
    }
    return edit_repository(args, [&](Repository& r) { return r.set_expiry(args.role, when); });
  }
  if (status->parsed() || fingerprint->parsed()) {
    auto repository = Repository::open(args.repo, args.keys, args.co_signers);
    if (!repository) return report(repository.error());
    if (status->parsed()) return print_status(*repository, trust::system_unix_time(), stdout);
    auto printed = print_fingerprint(*repository, stdout);
    return printed ? 0 : report(printed.error());
  }
  if (rollout_status->parsed()) {
    auto repository = Repository::open(args.repo, args.keys, args.co_signers);
    if (!repository) return report(repository.error());
    auto printed = print_rollout_status(*repository, args.name, trust::system_unix_time(), stdout);
    return printed ? 0 : report(printed.error());
  }
  if (rollout->parsed()) {
    trust::UnixSeconds now = trust::system_unix_time();
    int signed_exit = edit_repository(args, [&](Repository& r) -> Expected<void> {
      if (rollout_start->parsed()) {
        auto waves = parse_wave_list(args.waves);
        if (!waves) return std::unexpected(waves.error());
        return start_rollout(r, {args.name, *waves, args.groups}, now);
      }
      if (rollout_advance->parsed()) return advance_rollout(r, args.name, now, args.emergency);
      if (rollout_halt->parsed()) return set_rollout_halted(r, args.name, true);
      if (rollout_resume->parsed()) return set_rollout_halted(r, args.name, false);
      return rollback_rollout(r, args.name, args.to_version);
    });
    if (signed_exit != 0 || args.out.empty()) return signed_exit;
    auto repository = Repository::open(args.repo, args.keys, args.co_signers);
    if (!repository) return report(repository.error());
    auto done = repository->publish(args.out);
    return done ? 0 : report(done.error());
  }
  if (publish->parsed()) {
    auto repository = Repository::open(args.repo, args.keys, args.co_signers);
    if (!repository) return report(repository.error());
    auto done = repository->publish(args.out);
    return done ? 0 : report(done.error());
  }
  return k_bad_usage;
}
