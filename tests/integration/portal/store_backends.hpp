// The portal's two storage backends side by side for tests: a fresh SQLite file and a fresh
// database on a private PostgreSQL server, each opened through open_portal_store(), and the
// device keys and batches the tests send them.
#pragma once

#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "kiosk/core/log.hpp"
#include "kiosk/crypto/bytes.hpp"
#include "kiosk/crypto/device_key.hpp"
#include "kiosk/sync/portal_protocol.hpp"
#include "provisioning/portal/portal_store.hpp"
#include "tests/support/private_postgres.hpp"
#include "tests/support/temp_dir.hpp"

namespace shubbak::testing {

inline Logger& quiet_logger() {
  static Logger logger(LogLevel::error);
  return logger;
}

inline std::unique_ptr<portal::PortalStore> open_store(const std::string& location) {
  auto store = portal::open_portal_store(location, Log(quiet_logger(), "store"));
  REQUIRE_MESSAGE(store, (store ? "" : store.error().describe()));
  return std::move(*store);
}

// One SQLite file and one PostgreSQL database, each fresh.
struct Backends {
  TempDir dir;
  PrivatePostgres server;
  std::map<std::string, std::string> locations;
  Backends() {
    locations["sqlite"] = (dir / "portal.db").string();
    locations["postgresql"] = server.create_database("portal");
  }
};

inline std::unique_ptr<DeviceKey> make_key(const TempDir& dir, const std::string& name) {
  auto key = DeviceKey::load_or_create(dir / (name + ".pem"));
  REQUIRE(key);
  return std::move(*key);
}

inline portal_protocol::Batch batch_of(const DeviceKey& key, std::vector<OutboxItem> items,
                                       const std::string& kiosk = "kiosk-7") {
  return portal_protocol::Batch{kiosk, base64_encode(key.public_key()), std::move(items)};
}

}  // namespace shubbak::testing
