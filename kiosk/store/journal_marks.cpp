#include "kiosk/store/journal_marks.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "kiosk/core/hex.hpp"
#include "kiosk/crypto/bytes.hpp"

namespace shubbak {

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

constexpr int k_marks_format = 1;
constexpr std::uintmax_t k_max_marks_bytes = 4096;

// Closes a descriptor on every path out.
struct Descriptor {
  int fd;
  ~Descriptor() {
    if (fd >= 0) ::close(fd);
  }
};

Expected<void> fsync_path(const fs::path& path, int flags) {
  Descriptor d{::open(path.c_str(), flags | O_CLOEXEC)};
  if (d.fd < 0) return fail_errno(Errc::io, fmt::format("cannot open {}", path.string()), errno);
  if (::fsync(d.fd) != 0)
    return fail_errno(Errc::io, fmt::format("fsync {}", path.string()), errno);
  return {};
}

Expected<std::int64_t> non_negative(const Json& json, const char* key) {
  const Json& value = json.at(key);
  if (!value.is_number_integer())
    return fail(Errc::integrity, fmt::format("{} is not an integer", key));
  auto number = value.get<std::int64_t>();
  if (number < 0) return fail(Errc::integrity, fmt::format("{} is negative", key));
  return number;
}

}  // namespace

fs::path journal_marks_path(const fs::path& journal) {
  fs::path marks = journal;
  marks += ".marks";
  return marks;
}

Expected<std::optional<JournalMarks>> read_journal_marks(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    if (ec)
      return fail(Errc::io, fmt::format("cannot look at {}: {}", path.string(), ec.message()));
    return std::optional<JournalMarks>();
  }
  auto size = fs::file_size(path, ec);
  if (ec) return fail(Errc::io, fmt::format("cannot read {}: {}", path.string(), ec.message()));
  auto damaged = [&](std::string why) {
    return fail(Errc::integrity,
                fmt::format("the journal's marks {} are damaged: {}", path.string(), why));
  };
  if (size > k_max_marks_bytes) return damaged(fmt::format("{} bytes", size));
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(Errc::io, fmt::format("cannot read {}", path.string()));
  std::string line, checksum, rest;
  std::getline(in, line);
  std::getline(in, checksum);
  std::getline(in, rest);
  if (line.empty() || !rest.empty() || !in.eof()) return damaged("not two lines");
  if (to_hex(sha256(line)) != checksum) return damaged("checksum differs");
  Json json = Json::parse(line, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return damaged("not a JSON object");
  try {
    if (json.at("format") != k_marks_format) return damaged("unknown format");
    JournalMarks marks;
    for (auto [field, key] : {std::pair{&marks.journal_id, "journal_id"},
                              std::pair{&marks.reserved_sequence, "reserved_sequence"},
                              std::pair{&marks.verified_sequence, "verified_sequence"},
                              std::pair{&marks.verified_audit_seq, "verified_audit_seq"}}) {
      auto value = non_negative(json, key);
      if (!value) return damaged(value.error().message);
      *field = *value;
    }
    marks.verified_audit_hash = json.at("verified_audit_hash").get<std::string>();
    marks.damage = json.at("damage").get<std::string>();
    return std::optional<JournalMarks>(std::move(marks));
  } catch (const Json::exception& e) {
    return damaged(e.what());
  }
}

Expected<void> write_journal_marks(const fs::path& path, const JournalMarks& marks) {
  Json json = {{"format", k_marks_format},
               {"journal_id", marks.journal_id},
               {"reserved_sequence", marks.reserved_sequence},
               {"verified_sequence", marks.verified_sequence},
               {"verified_audit_seq", marks.verified_audit_seq},
               {"verified_audit_hash", marks.verified_audit_hash},
               {"damage", marks.damage}};
  std::string line = json.dump(-1, ' ', false, Json::error_handler_t::replace);
  std::string content = line + "\n" + to_hex(sha256(line)) + "\n";

  fs::path temporary = path;
  temporary += ".tmp";
  {
    Descriptor d{::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)};
    if (d.fd < 0)
      return fail_errno(Errc::io, fmt::format("cannot create {}", temporary.string()), errno);
    std::size_t done = 0;
    while (done < content.size()) {
      ssize_t wrote = ::write(d.fd, content.data() + done, content.size() - done);
      if (wrote < 0 && errno == EINTR) continue;
      if (wrote < 0)
        return fail_errno(Errc::io, fmt::format("cannot write {}", temporary.string()), errno);
      done += static_cast<std::size_t>(wrote);
    }
    if (::fsync(d.fd) != 0)
      return fail_errno(Errc::io, fmt::format("fsync {}", temporary.string()), errno);
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    return fail_errno(
        Errc::io, fmt::format("cannot rename {} to {}", temporary.string(), path.string()), errno);
  }
  return fsync_path(path.parent_path().empty() ? fs::path(".") : path.parent_path(),
                    O_RDONLY | O_DIRECTORY);
}

}  // namespace shubbak
