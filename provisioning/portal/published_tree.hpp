// What the portal may serve under /repository/: the published TUF tree (`shubbakctl repo
// publish --out DIR`), never a directory that holds a private key. An admin who points
// `--static` at their working directory (where the CA's, the server's or the repository's keys
// live) would publish them to every client; the portal refuses to start instead.
#pragma once

#include <filesystem>

#include "kiosk/core/error.hpp"

namespace shubbak::portal {

// Errc::config naming the first file below `dir` that holds a PEM private key (or that cannot
// be read, or a tree too large to check: 100,000 entries).
Expected<void> check_published_tree(const std::filesystem::path& dir);

}  // namespace shubbak::portal
