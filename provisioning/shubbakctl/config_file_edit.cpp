#include "provisioning/shubbakctl/config_file_edit.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include <fmt/format.h>

#include "kiosk/core/atomic_file.hpp"
#include "provisioning/shubbakctl/config_line_edit.hpp"

namespace shubbak::provision {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t k_max_config_bytes = 1 << 20;

// The new file beside the old one, with its mode and owner, written and fsynced, then renamed
// over it (atomic_file.hpp), so a crash leaves the old or the new file, never a mix.
Expected<void> replace_keeping_mode(const fs::path& path, const struct stat& old,
                                    std::string_view content, std::string_view purpose) {
  fs::path temporary = path;
  temporary += fmt::format(".{}-{}", purpose, ::getpid());
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return fail_errno(Errc::io, fmt::format("cannot create {}", temporary.string()), errno);
  auto give_up = [&](std::string_view what) {
    int error = errno;
    ::close(fd);
    ::unlink(temporary.c_str());
    return fail_errno(Errc::io, fmt::format("{} {}", what, temporary.string()), error);
  };
  // Owner first: fchown may clear set-id bits that fchmod then puts back.
  if ((old.st_uid != ::geteuid() || old.st_gid != ::getegid()) &&
      ::fchown(fd, old.st_uid, old.st_gid) != 0) {
    return give_up("cannot give the old owner to");
  }
  if (::fchmod(fd, old.st_mode & 07777) != 0) return give_up("cannot set the mode of");
  for (std::size_t done = 0; done < content.size();) {
    ssize_t wrote = ::write(fd, content.data() + done, content.size() - done);
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote < 0) return give_up("cannot write");
    done += static_cast<std::size_t>(wrote);
  }
  if (::fsync(fd) != 0) return give_up("fsync");
  if (::close(fd) != 0) {
    int error = errno;
    ::unlink(temporary.c_str());
    return fail_errno(Errc::io, fmt::format("cannot close {}", temporary.string()), error);
  }
  return install_file_atomically(temporary, path);
}

Expected<fs::path> real_file(const fs::path& given, struct stat& info) {
  std::error_code ec;
  fs::path path = fs::canonical(given, ec);
  if (ec)
    return fail(Errc::not_found, fmt::format("cannot find {}: {}", given.string(), ec.message()));
  if (::stat(path.c_str(), &info) != 0)
    return fail_errno(Errc::io, fmt::format("cannot stat {}", path.string()), errno);
  if (!S_ISREG(info.st_mode))
    return fail(Errc::invalid_argument, fmt::format("{} is not a regular file", path.string()));
  return path;
}

}  // namespace

Expected<Config> load_config_text(const fs::path& given, std::string* text) {
  struct stat info {};
  auto path = real_file(given, info);
  if (!path) return std::unexpected(path.error());
  auto bytes = read_whole_file(*path, k_max_config_bytes);
  if (!bytes) return std::unexpected(bytes.error());
  auto loaded = parse_config(*bytes, path->string(), path->parent_path());
  if (!loaded) {
    return fail(Errc::config, fmt::format("{} does not load ({}); fix it first", path->string(),
                                          loaded.error().message));
  }
  if (text) *text = std::move(*bytes);
  return loaded;
}

Expected<void> edit_config_file(const fs::path& given, const std::vector<ConfigKeyEdit>& edits,
                                const ConfigEditOptions& options) {
  struct stat old {};
  auto path = real_file(given, old);
  if (!path) return std::unexpected(path.error());
  std::string text;
  if (auto loaded = load_config_text(*path, &text); !loaded) return std::unexpected(loaded.error());
  std::string edited = text;
  for (const auto& edit : edits) edited = with_toml_key(edited, edit.table, edit.key, edit.literal);
  auto loaded = parse_config(edited, path->string(), path->parent_path());
  Expected<void> verified = loaded && options.verify ? options.verify(*loaded) : Expected<void>{};
  if (!loaded || !verified) {
    return fail(
        Errc::config,
        fmt::format("cannot change {} by editing its lines ({}); set it by hand", path->string(),
                    loaded ? verified.error().message : loaded.error().message));
  }
  if (!options.backup_suffix.empty()) {
    fs::path backup = *path;
    backup += "." + options.backup_suffix;
    if (auto saved = replace_keeping_mode(backup, old, text, "backup"); !saved) return saved;
  }
  return replace_keeping_mode(*path, old, edited, "edit");
}

}  // namespace shubbak::provision
