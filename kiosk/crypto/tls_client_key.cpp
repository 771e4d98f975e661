#include "kiosk/crypto/tls_client_key.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "kiosk/core/atomic_file.hpp"
#include "kiosk/crypto/openssl_handles.hpp"

namespace shubbak {

namespace {

using KeyPtr = openssl::PkeyPtr;
using BioPtr = openssl::BioPtr;
using ReqPtr = openssl::X509ReqPtr;
using X509Ptr = openssl::X509Ptr;

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  long length = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(length));
}

bool is_p256(EVP_PKEY* key) {
  char group[64] = {};
  std::size_t length = 0;
  return EVP_PKEY_get_base_id(key) == EVP_PKEY_EC &&
         EVP_PKEY_get_utf8_string_param(key, "group", group, sizeof group, &length) == 1 &&
         std::string_view(group, length) == "prime256v1";
}

Expected<void> write_new_private_file(const std::filesystem::path& path, const std::string& pem) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return fail_errno(Errc::io, "cannot create " + path.string(), errno);
  std::size_t done = 0;
  while (done < pem.size()) {
    ssize_t wrote = ::write(fd, pem.data() + done, pem.size() - done);
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote < 0) break;
    done += static_cast<std::size_t>(wrote);
  }
  bool ok = done == pem.size() && ::fsync(fd) == 0;
  int saved = errno;
  ::close(fd);
  if (!ok) {
    ::unlink(path.c_str());
    return fail_errno(Errc::io, "cannot write " + path.string(), saved);
  }
  return sync_directory(path.parent_path().empty() ? "." : path.parent_path());
}

Expected<KeyPtr> read_private_key(const std::filesystem::path& path) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) return fail_errno(Errc::not_found, path.string(), errno);
  if (!S_ISREG(info.st_mode))
    return fail(Errc::integrity, path.string() + " is not a regular file");
  if ((info.st_mode & 077) != 0) {
    return fail(Errc::integrity, fmt::format("TLS client key {} is readable by others (mode {:o}); "
                                             "expected 0600",
                                             path.string(), info.st_mode & 0777));
  }
  auto pem = read_whole_file(path, 64 * 1024);
  if (!pem) return std::unexpected(pem.error());
  BioPtr bio(BIO_new_mem_buf(pem->data(), static_cast<int>(pem->size())));
  KeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  OPENSSL_cleanse(pem->data(), pem->size());
  if (!key || !is_p256(key.get()))
    return fail(Errc::integrity, path.string() + " is not an ECDSA P-256 private key (PEM)");
  return key;
}

}  // namespace

struct TlsClientKey::Impl {
  KeyPtr key;
};

TlsClientKey::TlsClientKey(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
TlsClientKey::~TlsClientKey() = default;

Expected<std::unique_ptr<TlsClientKey>> TlsClientKey::load_or_create(
    const std::filesystem::path& path) {
  auto impl = std::make_unique<Impl>();
  auto existing = read_private_key(path);
  if (existing) {
    impl->key = std::move(*existing);
  } else if (existing.error().code == Errc::not_found) {
    impl->key.reset(EVP_EC_gen("P-256"));
    if (!impl->key) return fail(Errc::internal, "cannot generate an ECDSA P-256 key");
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PrivateKey(bio.get(), impl->key.get(), nullptr, nullptr, 0, nullptr,
                                         nullptr) != 1)
      return fail(Errc::internal, "cannot encode the TLS client key");
    std::string pem = bio_text(bio.get());
    auto written = write_new_private_file(path, pem);
    OPENSSL_cleanse(pem.data(), pem.size());
    if (!written) return std::unexpected(written.error());
  } else {
    return std::unexpected(existing.error());
  }
  return std::unique_ptr<TlsClientKey>(new TlsClientKey(std::move(impl)));
}

Expected<std::string> TlsClientKey::certificate_request(std::string_view common_name) const {
  ReqPtr request(X509_REQ_new());
  if (!request) return fail(Errc::internal, "X509_REQ_new failed");
  X509_REQ_set_version(request.get(), 0);
  std::string cn(common_name);
  X509_NAME* name = X509_REQ_get_subject_name(request.get());
  if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1,
                                 0) != 1 ||
      X509_REQ_set_pubkey(request.get(), m_impl->key.get()) != 1 ||
      X509_REQ_sign(request.get(), m_impl->key.get(), EVP_sha256()) <= 0)
    return fail(Errc::internal, "cannot make the certificate request");
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509_REQ(bio.get(), request.get()) != 1)
    return fail(Errc::internal, "cannot encode the certificate request");
  return bio_text(bio.get());
}

Expected<void> TlsClientKey::check_certificate(std::string_view chain_pem,
                                               std::string_view common_name) const {
  BioPtr bio(BIO_new_mem_buf(chain_pem.data(), static_cast<int>(chain_pem.size())));
  X509Ptr leaf(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!leaf) return fail(Errc::integrity, "the portal returned no PEM certificate");
  X509Ptr issuer(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (X509_check_private_key(leaf.get(), m_impl->key.get()) != 1)
    return fail(Errc::integrity, "the returned certificate is not for this kiosk's TLS key");
  char cn[256] = {};
  int length =
      X509_NAME_get_text_by_NID(X509_get_subject_name(leaf.get()), NID_commonName, cn, sizeof cn);
  if (length < 0 || std::string_view(cn, static_cast<std::size_t>(length)) != common_name)
    return fail(Errc::integrity,
                fmt::format("the returned certificate is not for kiosk \"{}\"", common_name));
  if (!issuer) return fail(Errc::integrity, "the returned chain has no issuer certificate");
  KeyPtr issuer_key(X509_get_pubkey(issuer.get()));
  if (!issuer_key || X509_verify(leaf.get(), issuer_key.get()) != 1)
    return fail(Errc::integrity, "the returned certificate is not signed by the returned CA");
  return {};
}

}  // namespace shubbak
