#include <doctest/doctest.h>

#include "kiosk/core/printer_uri.hpp"

using namespace shubbak;

TEST_CASE("printer URIs: the simulated printer, none, IPP straight and CUPS queues") {
  CHECK(parse_printer_uri("sim://receipts")->kind == PrinterAddress::Kind::simulated);
  CHECK(parse_printer_uri("none")->kind == PrinterAddress::Kind::none);
  auto ipp = parse_printer_uri("ipp://printer.local:631/ipp/print");
  REQUIRE(ipp);
  CHECK(ipp->kind == PrinterAddress::Kind::ipp);
  CHECK(ipp->ipp_uri == "ipp://printer.local:631/ipp/print");
  CHECK(parse_printer_uri("ipps://10.0.0.7/ipp/print")->kind == PrinterAddress::Kind::ipp);
  CHECK(parse_printer_uri("ipp://[::1]:8631/ipp/print")->kind == PrinterAddress::Kind::ipp);
  auto queue = parse_printer_uri("cups://receipts");
  REQUIRE(queue);
  CHECK(queue->kind == PrinterAddress::Kind::cups_queue);
  CHECK(queue->queue == "receipts");
  CHECK(queue->cups_socket == "/run/cups/cups.sock");
  auto private_queue = parse_printer_uri("cups://receipts@/tmp/x/cups.sock");
  REQUIRE(private_queue);
  CHECK(private_queue->queue == "receipts");
  CHECK(private_queue->cups_socket == "/tmp/x/cups.sock");
}

TEST_CASE("printer URIs that cannot work are refused, naming the accepted forms") {
  for (const char* bad :
       {"ipp://", "ipp://host", "ipp:///ipp/print", "ipp://host:0/ipp/print",
        "ipp://host:99999/ipp/print", "ipp://ho st/ipp/print", "ipp://host/ipp print", "cups://",
        "cups://re ceipts", "cups://receipts@relative.sock", "cups://a@", "lpd://host/queue",
        "socket://10.0.0.7:9100", "file:///dev/usb/lp0", "sim://other", "",
        "IPP://host/ipp/print"}) {
    auto refused = parse_printer_uri(bad);
    CHECK_MESSAGE(!refused, bad);
    if (!refused) CHECK(refused.error().message.find("cups://QUEUE") != std::string::npos);
  }
}
