#include "kiosk/session/audit_trail.hpp"

#include <nlohmann/json.hpp>

namespace shubbak {

void AuditTrail::record(std::string_view kind,
                        std::initializer_list<std::pair<std::string_view, std::string>> detail) {
  nlohmann::json object = nlohmann::json::object();
  for (const auto& [key, value] : detail) object[std::string(key)] = value;
  std::string text = object.dump();
  m_log.info("audit {} {}", kind, text);
  if (!m_store) return;
  TransactionStore* store = m_store;
  m_lane.submit([store, kind = std::string(kind), text, log = m_log] {
    if (auto written = store->record_event(kind, text); !written) {
      log.warn("audit {} not written: {}", kind, written.error().describe());
    }
  });
}

}  // namespace shubbak
