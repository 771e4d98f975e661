// The kiosk's lanes (kiosk/loop/lane.hpp): one serial executor per device and one for the
// durable store, so that no device's slow work waits behind another's.
//
//   card        card reads and reader hot-plug (a read can take seconds)
//   scanner     opening the scanner, at start and while it is away after an unplug
//   payment     the terminal: pay, status, reverse, reconciliation (waits for the citizen)
//   printer     prints, retries with their backoff, printer polls
//   store       commits, audit entries, receipt-journal reads: in order, each fsynced
//   updates     TUF refreshes (deadlines of minutes) and loading a new service set
//   background  the technician's diagnostics, exports and PIN checks
//
// Created in main before anything that uses them; shutdown() drains every lane (nothing
// handed over is dropped) before the devices and the store they use go away.
#pragma once

#include "kiosk/loop/lane.hpp"

namespace shubbak {

struct DeviceLanes {
  Lane card{"card"};
  Lane scanner{"scanner"};
  Lane payment{"payment"};
  Lane printer{"printer"};
  Lane store{"store"};
  Lane updates{"updates"};
  Lane background{"background"};

  // Device lanes first: what they finish may still hand a last write to the store's lane.
  void shutdown() {
    for (Lane* lane : {&card, &scanner, &payment, &printer, &updates, &background, &store})
      lane->shutdown();
  }
};

}  // namespace shubbak
