// The TUF client over HTTPS with mutual TLS, as the kiosk talks to the portal: a test CA, a
// server certificate for 127.0.0.1 and a kiosk client certificate, all made now with openssl.
#include <doctest/doctest.h>

#include <cstdlib>

#include "tests/integration/trust/tuf_world.hpp"
#include "tests/support/child_process.hpp"

namespace {

using namespace shubbak;
using namespace shubbak::testing;
namespace fs = std::filesystem;

void openssl(const TempDir& dir, std::vector<std::string> args) {
  static int counter = 0;
  args.insert(args.begin(), "/usr/bin/openssl");
  fs::path out = dir / ("openssl-" + std::to_string(++counter));
  fs::create_directories(out);
  ChildProcess child(args, out);
  auto code = child.wait(std::chrono::seconds(30));
  INFO(child.stderr_text());
  REQUIRE(code == 0);
}

struct Pki {
  fs::path ca_key, ca_cert, server_key, server_cert, client_key, client_cert, other_ca_cert;
};

Pki make_pki(const TempDir& dir) {
  Pki p{dir / "ca.key",    dir / "ca.pem",    dir / "server.key",  dir / "server.pem",
        dir / "kiosk.key", dir / "kiosk.pem", dir / "other-ca.pem"};
  auto ec_key = [&](const fs::path& key) {
    openssl(dir, {"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out",
                  key.string()});
  };
  ec_key(p.ca_key);
  openssl(dir, {"req", "-x509", "-new", "-key", p.ca_key.string(), "-subj", "/CN=Test Portal CA",
                "-days", "2", "-out", p.ca_cert.string()});
  dir.write("server.ext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
  dir.write("client.ext", "extendedKeyUsage=clientAuth\n");
  for (auto [key, cert, cn, ext] :
       {std::tuple{p.server_key, p.server_cert, "127.0.0.1", "server.ext"},
        std::tuple{p.client_key, p.client_cert, "kiosk-07", "client.ext"}}) {
    ec_key(key);
    fs::path csr = dir / (std::string(cn) + ".csr");
    openssl(dir, {"req", "-new", "-key", key.string(), "-subj", std::string("/CN=") + cn, "-out",
                  csr.string()});
    openssl(dir, {"x509", "-req", "-in", csr.string(), "-CA", p.ca_cert.string(), "-CAkey",
                  p.ca_key.string(), "-CAcreateserial", "-days", "2", "-extfile",
                  (dir / ext).string(), "-out", cert.string()});
  }
  fs::path other_key = dir / "other-ca.key";
  ec_key(other_key);
  openssl(dir, {"req", "-x509", "-new", "-key", other_key.string(), "-subj", "/CN=Someone Else",
                "-days", "2", "-out", p.other_ca_cert.string()});
  return p;
}

}  // namespace

TEST_CASE(
    "refresh and download over HTTPS with a client certificate; wrong CA or no certificate fails") {
  TufWorld world;
  world.add_target("services/a.json", R"({"id":"a","version":"1"})");
  TempDir pki_dir;
  Pki pki = make_pki(pki_dir);
  RepoServer tls(world.published(), TlsFiles{pki.server_cert, pki.server_key, pki.ca_cert});
  REQUIRE(tls.url().starts_with("https://127.0.0.1:"));

  auto options = world.updater_options();
  options.metadata_url = tls.url() + "/metadata";
  options.target_base_url = tls.url() + "/targets";

  world.fetch_options.ca_file = pki.ca_cert;
  world.fetch_options.client_cert = pki.client_cert;
  world.fetch_options.client_key = pki.client_key;
  auto client = world.updater(options);
  REQUIRE(client->refresh());
  auto found = client->find_target("services/a.json");
  REQUIRE(found);
  REQUIRE(found->has_value());
  REQUIRE(client->download_target(**found, world.root() / "a.json"));
  CHECK(client->is_cached(**found, world.root() / "a.json"));

  SUBCASE("without the kiosk certificate the portal refuses") {
    world.fetch_options.client_cert.reset();
    world.fetch_options.client_key.reset();
    std::string error = world.refresh(options);
    CAPTURE(error);
    CHECK(error.find("i/o: root: https://127.0.0.1") == 0);
    CHECK(error.find("2.root.json") != std::string::npos);
  }
  SUBCASE("a server certificate from another CA is not trusted") {
    world.fetch_options.ca_file = pki.other_ca_cert;
    std::string error = world.refresh(options);
    CAPTURE(error);
    CHECK(error.find("i/o: root: https://127.0.0.1") == 0);
    CHECK(error.find("certificate") != std::string::npos);
  }
}
