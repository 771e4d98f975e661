#include "kiosk/session/technician_diagnostics.hpp"

#include <sys/statvfs.h>

#include <fmt/format.h>

namespace shubbak {

PortalCheck check_portal(const std::string& url, const TlsOptions& tls,
                         std::chrono::milliseconds deadline) {
  PortalCheck check;
  if (url.empty()) return check;
  check.result = PortalCheck::Result::unreachable;
  auto client = HttpsClient::create(tls);
  if (!client) {
    check.error = client.error().describe();
    return check;
  }
  auto started = std::chrono::steady_clock::now();
  std::string root = url.ends_with('/') ? url : url + "/";
  auto response = (*client)->get(root, 64 * 1024, deadline);
  check.latency = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  if (!response) {
    check.error = response.error().describe();
    return check;
  }
  check.result = PortalCheck::Result::reachable;
  check.http_status = response->status;
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
  switch (d.portal.result) {
    case PortalCheck::Result::not_configured:
      out += "portal: not configured\n";
      break;
    case PortalCheck::Result::reachable:
      out += fmt::format("portal: reachable (HTTP {}, {} ms)\n", d.portal.http_status,
                         d.portal.latency.count());
      break;
    case PortalCheck::Result::unreachable:
      out += fmt::format("portal: unreachable after {} ms: {}\n", d.portal.latency.count(),
                         d.portal.error);
      break;
  }
  for (const auto& [id, version] : d.bundles) out += fmt::format("bundle: {} {}\n", id, version);
  return out;
}

}  // namespace shubbak
