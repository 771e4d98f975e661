// The real portal's transport limits, driven by raw TLS clients on loopback: request bodies are
// bounded whatever the transfer encoding; the TLS handshake, the headers, the body and an idle
// connection each have a deadline; connections are bounded per client address and in all; and a
// second portal cannot take a port that is in use.
#include <doctest/doctest.h>

#include <thread>

#include "kiosk/sync/portal_protocol.hpp"
#include "tests/integration/portal/portal_fixture.hpp"
#include "tests/support/raw_tls_client.hpp"

using namespace shubbak;
using namespace shubbak::testing;
using namespace std::chrono_literals;

namespace {

int port_of(const std::string& url) {
  return std::stoi(url.substr(url.rfind(':') + 1));
}

RawTlsOptions kiosk_options(const PortalFixture& portal, const std::string& source = {}) {
  RawTlsOptions options;
  options.port = port_of(portal.url());
  options.source_address = source;
  options.ca_file = const_cast<PortalFixture&>(portal).pki().ca_cert();
  options.client_cert = portal.client_cert().cert;
  options.client_key = portal.client_cert().key;
  return options;
}

std::unique_ptr<RawTlsClient> tls_client(const PortalFixture& portal,
                                         const std::string& source = {}) {
  std::string error;
  auto client = RawTlsClient::connect(kiosk_options(portal, source), error);
  REQUIRE_MESSAGE(client, error);
  REQUIRE_MESSAGE(client->handshake(10s, error), error);
  return client;
}

std::unique_ptr<RawTlsClient> tcp_client(const PortalFixture& portal, const std::string& source) {
  std::string error;
  auto client = RawTlsClient::connect(kiosk_options(portal, source), error);
  REQUIRE_MESSAGE(client, error);
  return client;
}

bool heartbeat_works(PortalFixture& portal) {
  portal_protocol::Heartbeat h;
  h.kiosk_id = "kiosk-7";
  h.version = "1.4.0";
  h.boot_id = "b";
  auto response = portal.kiosk_client()->post_json(portal.url() + "/api/v1/heartbeat",
                                                   portal_protocol::encode_heartbeat(h), 10s);
  return response && response->status == 204;
}

// Sends a chunked body of up to `total` bytes in 64 KiB chunks, stopping as soon as the portal
// answers; returns the answer and how much was sent.
std::pair<std::string, std::size_t> send_chunked(RawTlsClient& client, const std::string& path,
                                                 std::size_t total) {
  std::string head = "POST " + path +
                     " HTTP/1.1\r\nHost: portal\r\nContent-Type: application/json\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n";
  REQUIRE(client.send(head));
  const std::string chunk = "10000\r\n" + std::string(0x10000, ' ') + "\r\n";
  std::size_t sent = 0;
  while (sent < total) {
    if (!client.send(chunk, 5s)) break;
    sent += 0x10000;
    if (client.has_incoming()) break;  // the portal has answered (or closed)
  }
  return {client.read_response(10s), sent};
}

}  // namespace

TEST_CASE("a chunked body over the limit is refused with 413 before it is read in full") {
  PortalFixture portal;
  auto client = tls_client(portal);
  auto [answer, sent] = send_chunked(*client, "/api/v1/transactions", 100u << 20);
  CHECK(RawTlsClient::status_of(answer) == 413);
  CHECK(answer.find("the request body is larger than 8388608 bytes") != std::string::npos);
  CHECK(answer.find("Connection: close") != std::string::npos);
  CHECK(sent < (24u << 20));  // the portal stopped near 8 MiB (and socket buffers), not at 100
  CHECK(client->closed_by_server(10s));
  // A heartbeat's bound is its own.
  auto second = tls_client(portal);
  auto [beat, beat_sent] = send_chunked(*second, "/api/v1/heartbeat", 64u << 20);
  CHECK(RawTlsClient::status_of(beat) == 413);
  CHECK(beat.find("the request body is larger than 65536 bytes") != std::string::npos);
  CHECK(beat_sent < (8u << 20));  // what the socket buffers held when the answer came
  CHECK(portal.log().find("batch from") == std::string::npos);  // no handler saw a batch
  CHECK(heartbeat_works(portal));
}

TEST_CASE("what the headers alone refuse is refused before any body is read") {
  PortalFixture portal;
  struct Case {
    const char* name;
    std::string request;
    int status;
    std::string error;
  };
  const std::string json = "Content-Type: application/json\r\n";
  std::vector<Case> cases = {
      {"a declared length over the limit",
       "POST /api/v1/transactions HTTP/1.1\r\nHost: p\r\n" + json +
           "Content-Length: 104857600\r\n\r\n",
       413, "the body of /api/v1/transactions may be at most 8388608 bytes"},
      {"a heartbeat over its limit",
       "POST /api/v1/heartbeat HTTP/1.1\r\nHost: p\r\n" + json + "Content-Length: 65537\r\n\r\n",
       413, "the body of /api/v1/heartbeat may be at most 65536 bytes"},
      {"a compressed body",
       "POST /api/v1/heartbeat HTTP/1.1\r\nHost: p\r\n" + json +
           "Content-Encoding: gzip\r\nContent-Length: 10\r\n\r\n",
       415, "request bodies are not to be compressed"},
      {"both length and chunked",
       "POST /api/v1/heartbeat HTTP/1.1\r\nHost: p\r\n" + json +
           "Content-Length: 10\r\nTransfer-Encoding: chunked\r\n\r\n",
       400, "one Content-Length or one Transfer-Encoding, not both"},
      {"another transfer encoding",
       "POST /api/v1/heartbeat HTTP/1.1\r\nHost: p\r\n" + json +
           "Transfer-Encoding: gzip, chunked\r\n\r\n",
       501, "only the chunked transfer encoding is understood"},
      {"no length at all", "POST /api/v1/heartbeat HTTP/1.1\r\nHost: p\r\n" + json + "\r\n", 411,
       "a body needs Content-Length or chunked transfer encoding"},
      {"a form instead of JSON",
       "POST /api/v1/heartbeat HTTP/1.1\r\nHost: p\r\nContent-Type: multipart/form-data; "
       "boundary=x\r\n"
       "Content-Length: 10\r\n\r\n",
       415, "the body must be application/json"},
      {"an unknown endpoint",
       "POST /api/v1/anything HTTP/1.1\r\nHost: p\r\n" + json + "Content-Length: 10\r\n\r\n", 404,
       "no such endpoint"},
      {"another method",
       "PUT /api/v1/heartbeat HTTP/1.1\r\nHost: p\r\n" + json + "Content-Length: 10\r\n\r\n", 405,
       "only GET, HEAD and POST are served"},
      {"a GET with a body",
       "GET /repository/x HTTP/1.1\r\nHost: p\r\nTransfer-Encoding: chunked\r\n\r\n", 400,
       "a GET or HEAD request has no body"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto client = tls_client(portal);
    REQUIRE(client->send(c.request));
    std::string answer = client->read_response(10s);
    CHECK(RawTlsClient::status_of(answer) == c.status);
    CHECK_MESSAGE(answer.find(c.error) != std::string::npos, answer);
    CHECK(client->closed_by_server(10s));
  }
  CHECK(heartbeat_works(portal));
}

TEST_CASE("a second portal on a port in use refuses to start and says why") {
  PortalFixture portal;
  auto port = std::to_string(port_of(portal.url()));
  TempDir dir;
  TestPki pki(dir.path(), "second");
  auto server = pki.issue_server("server");
  ChildProcess second({SHUBBAK_PORTAL_BIN, "--port", port, "--cert", server.cert.string(), "--key",
                       server.key.string(), "--client-ca", pki.ca_cert().string(), "--db",
                       (dir / "second.db").string()},
                      dir.path());
  auto code = second.wait(30s);
  REQUIRE(code.has_value());
  CHECK(*code == 1);
  CHECK(second.stderr_text().find("cannot listen on 127.0.0.1:" + port +
                                  ": the port is already in use (is another portal running?)") !=
        std::string::npos);
  CHECK(second.stdout_text().find("listening on") == std::string::npos);
  // The first one still has all of the traffic.
  for (int i = 0; i < 5; ++i) CHECK(heartbeat_works(portal));
  CHECK(portal.query_int("SELECT count(*) FROM heartbeats") == 1);
}

TEST_CASE("slow clients are cut off at each deadline: handshake, headers, body, idle") {
  PortalFixture portal({"--handshake-timeout-ms", "1000", "--header-timeout-ms", "1000",
                        "--body-timeout-ms", "1000", "--idle-timeout-ms", "1000"});
  // Each trickles a byte every 100 ms, so no single read ever waits long: only a deadline for
  // the whole step ends it. Each is given 8 s, far more than the 1 s deadlines.
  auto trickle_until_cut = [](const std::function<bool()>& send_one_byte, RawTlsClient& client) {
    auto start = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - start < 8s) {
      if (!send_one_byte() || client.closed_by_server(100ms)) return true;
    }
    return false;
  };
  SUBCASE("a ClientHello a byte at a time") {
    auto client = tcp_client(portal, "127.0.0.21");
    std::string hello = client->client_hello();
    std::size_t at = 0;
    CHECK(trickle_until_cut([&] { return client->send_raw(hello.substr(at++ % hello.size(), 1)); },
                            *client));
  }
  SUBCASE("headers that never end") {
    auto client = tls_client(portal, "127.0.0.22");
    REQUIRE(client->send("POST /api/v1/heartbeat HTTP/1.1\r\n"));
    std::string line = "X-Slow: 1\r\n";
    std::size_t at = 0;
    CHECK(trickle_until_cut([&] { return client->send(line.substr(at++ % line.size(), 1)); },
                            *client));
  }
  SUBCASE("a body a byte at a time") {
    auto client = tls_client(portal, "127.0.0.23");
    REQUIRE(
        client->send("POST /api/v1/heartbeat HTTP/1.1\r\nHost: p\r\nContent-Type: "
                     "application/json\r\nContent-Length: 60000\r\n\r\n"));
    CHECK(trickle_until_cut([&] { return client->send(" "); }, *client));
  }
  SUBCASE("an idle connection") {
    auto client = tls_client(portal, "127.0.0.24");
    CHECK(client->closed_by_server(8s));
  }
  SUBCASE("a silent TCP connection") {
    auto client = tcp_client(portal, "127.0.0.25");
    CHECK(client->closed_by_server(8s));
  }
  CHECK(heartbeat_works(portal));
}

TEST_CASE("connections are bounded per client address and in all; the refused close at once") {
  PortalFixture portal({"--max-connections-per-address", "3", "--max-connections", "8"});
  auto admitted = [](RawTlsClient& client) { return !client.closed_by_server(300ms); };
  auto refused = [](RawTlsClient& client) { return client.closed_by_server(5s); };
  std::vector<std::unique_ptr<RawTlsClient>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(tcp_client(portal, "127.0.0.5"));
    CHECK(admitted(*held.back()));
  }
  auto fourth = tcp_client(portal, "127.0.0.5");
  CHECK(refused(*fourth));
  // Another address is not held back by the first: the kiosk gets in, and keeps its connection
  // open (HttpsClient keeps it alive).
  auto kiosk = portal.kiosk_client();
  portal_protocol::Heartbeat h;
  h.kiosk_id = "kiosk-7";
  h.version = "1.4.0";
  h.boot_id = "b";
  auto beat = kiosk->post_json(portal.url() + "/api/v1/heartbeat",
                               portal_protocol::encode_heartbeat(h), 10s);
  REQUIRE(beat);
  CHECK(beat->status == 204);
  for (const char* address : {"127.0.0.6", "127.0.0.6", "127.0.0.6", "127.0.0.7"}) {
    held.push_back(tcp_client(portal, address));
    CHECK(admitted(*held.back()));
  }
  // 3 + 3 + 1 silent ones and the kiosk's: 8 open, the limit in all.
  auto ninth = tcp_client(portal, "127.0.0.8");
  CHECK(refused(*ninth));
  CHECK(portal.log().find("refused") != std::string::npos);
  // Closing some makes room again.
  held.erase(held.begin(), held.begin() + 3);
  bool room = false;
  for (int attempt = 0; attempt < 50 && !room; ++attempt) {
    auto again = tcp_client(portal, "127.0.0.8");
    room = admitted(*again);
  }
  CHECK(room);
}
