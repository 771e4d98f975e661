#include "kiosk/session/technician_diagnostics.hpp"

#include <sys/statvfs.h>

#include <functional>

#include <fmt/format.h>

#include "kiosk/sync/portal_protocol.hpp"

namespace shubbak {

namespace {

PortalCheck get_once(const std::string& url, const TlsOptions& tls,
                     std::chrono::milliseconds deadline,
                     const std::function<bool(long)>& answered_well) {
  PortalCheck check;
  check.result = PortalCheck::Result::unreachable;
  auto client = HttpsClient::create(tls);
  if (!client) {
    check.error = client.error().describe();
    return check;
  }
  auto started = std::chrono::steady_clock::now();
  auto response = (*client)->get(url, 64 * 1024, deadline);
  check.latency = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  if (!response) {
    check.error = response.error().describe();
    return check;
  }
  check.http_status = response->status;
  if (answered_well(response->status)) {
    check.result = PortalCheck::Result::reachable;
  } else {
    check.result = PortalCheck::Result::refused;
    check.error = fmt::format("HTTP {}: {}", response->status,
                              portal_protocol::refusal_reason(response->body));
  }
  return check;
}

}  // namespace

PortalCheck check_portal(const std::string& url, const TlsOptions& tls,
                         std::chrono::milliseconds deadline) {
  if (url.empty()) return {};
  std::string root = url.ends_with('/') ? url : url + "/";
  return get_once(root, tls, deadline,
                  [](long status) { return status / 100 == 2 || status == 404; });
}

PortalCheck check_repository(const std::string& metadata_url, const TlsOptions& tls,
                             std::chrono::milliseconds deadline) {
  if (metadata_url.empty()) return {};
  std::string base = metadata_url;
  while (base.ends_with('/')) base.pop_back();
  if (base.starts_with("https://"))
    return get_once(base + "/timestamp.json", tls, deadline,
                    [](long status) { return status == 200; });
  // A repository on disk (file:// or a plain directory such as a USB stick).
  PortalCheck check;
  std::string path = base.starts_with("file://") ? base.substr(7) : base;
  std::error_code ec;
  if (std::filesystem::is_regular_file(std::filesystem::path(path) / "timestamp.json", ec)) {
    check.result = PortalCheck::Result::reachable;
  } else {
    check.result = PortalCheck::Result::unreachable;
    check.error = fmt::format("no timestamp.json in {}", path);
  }
  return check;
}

Diagnostics gather_diagnostics(const DiagnosticsSources& sources) {
  Diagnostics d;
  d.kiosk_id = sources.kiosk_id;
  d.version = sources.version;
  d.printer = sources.printer ? std::string(printer_state_name(sources.printer->state())) : "none";
  if (sources.devices) d.devices = sources.devices->heartbeat();
  if (sources.store) {
    if (auto health = sources.store->health()) {
      d.outbox_depth = health->queue_depth;
      d.quarantined = health->quarantined;
      if (health->out_of_service) d.store_error = health->out_of_service->detail;
    } else {
      d.store_error = health.error().describe();
    }
  } else {
    d.store_error = "out of service";
  }
  struct statvfs disk {};
  if (statvfs(sources.data_dir.c_str(), &disk) == 0) {
    d.free_disk_bytes = static_cast<std::uint64_t>(disk.f_bavail) * disk.f_frsize;
  }
  d.portal = check_portal(sources.portal_url, sources.portal_tls, sources.portal_deadline);
  d.repository =
      check_repository(sources.repository_url, sources.repository_tls, sources.portal_deadline);
  d.bundles = sources.bundles;
  return d;
}

std::string device_state(const Diagnostics& diagnostics, std::string_view device) {
  std::string status = "unknown";
  std::string failure;
  for (const auto& [name, state] : diagnostics.devices) {
    if (name == device) status = state;
    if (name == std::string(device) + ".last_failure") failure = state;
  }
  // "online:device": the device is there, its last use failed with a device error.
  return failure.empty() ? status : status + ":" + failure;
}

std::string describe_check(const PortalCheck& check) {
  switch (check.result) {
    case PortalCheck::Result::not_configured:
      return "not configured";
    case PortalCheck::Result::reachable:
      // No status here: a portal's 404 for "/" is its normal answer, not something wrong.
      return fmt::format("reachable ({} ms)", check.latency.count());
    case PortalCheck::Result::refused:
      return fmt::format("refused after {} ms: {}", check.latency.count(), check.error);
    case PortalCheck::Result::unreachable:
      break;
  }
  return fmt::format("unreachable after {} ms: {}", check.latency.count(), check.error);
}

std::string diagnostics_report(const Diagnostics& d) {
  std::string out =
      fmt::format("kiosk: {}\nversion: {}\nprinter: {}\n", d.kiosk_id, d.version, d.printer);
  for (const auto& [device, state] : d.devices)
    out += fmt::format("device.{}: {}\n", device, state);
  auto count = [](const std::optional<std::int64_t>& n) {
    return n ? std::to_string(*n) : std::string("unknown");
  };
  out += fmt::format("outbox_depth: {}\nquarantined: {}\n", count(d.outbox_depth),
                     count(d.quarantined));
  if (!d.store_error.empty()) out += fmt::format("store_error: {}\n", d.store_error);
  out += fmt::format("free_disk_bytes: {}\n",
                     d.free_disk_bytes ? std::to_string(*d.free_disk_bytes) : "unknown");
  out += fmt::format("portal: {}\n", describe_check(d.portal));
  out += fmt::format("repository: {}\n", describe_check(d.repository));
  for (const auto& [id, version] : d.bundles) out += fmt::format("bundle: {} {}\n", id, version);
  return out;
}

}  // namespace shubbak
