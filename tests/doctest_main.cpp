// Every test binary's main: doctest's, with SIGPIPE ignored. Tests talk to servers that may
// hang up on them (the portal cutting off a slow client is one such test); a write to a closed
// connection must fail with EPIPE, as it does in the kiosk and the portal, which ignore SIGPIPE
// too, not kill the whole test binary. Children get the default back (ChildProcess).
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <csignal>

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  return doctest::Context(argc, argv).run();
}
