// The kiosk's shell on the real headless UI with spoken guidance behind a RecordingSpeaker: the
// services, the shell, the session and guidance as the runtime wires them, the devices given
// (none by default: device steps fail as device errors).
#pragma once

#include <filesystem>
#include <optional>

#include "kiosk/session/kiosk_services.hpp"
#include "kiosk/session/kiosk_shell.hpp"
#include "kiosk/session/spoken_guidance.hpp"
#include "tests/integration/audio/recording_speaker.hpp"
#include "tests/support/ui_harness.hpp"

namespace shubbak::testing {

struct GuidedKiosk {
  explicit GuidedKiosk(UiHarness& h, WorkflowSession::Options session = {1, 1, 30},
                       KioskServices::Devices devices = {}, Speaker* voice = nullptr)
      : services(h.ui(), h.loop(), lanes, devices, "K-1", Log(logger, "services")),
        shell(
            h.ui(), h.app(), services, health,
            workflow::load_catalog(std::filesystem::path(SHUBBAK_SOURCE_DIR) / "assets/services"),
            [] {
              return CivilDate{2026, 11, 21};
            },
            {Language::ar, {"K-1", "0.1.0"}, session}, Log(logger, "shell")),
        speaker(voice),
        guidance(h.ui(), h.app(), speaker, Log(logger, "guidance")) {
    for (auto device : {DeviceId::printer, DeviceId::card_reader, DeviceId::payment_terminal,
                        DeviceId::scanner}) {
      health.set_status(device, DeviceStatus::online);
    }
    shell.set_spoken_guidance(&guidance);
    shell.on_session_end([this](workflow::EndResult r) { ended = r; });
  }
  // Device work still on a lane finishes before the services it reports to go.
  ~GuidedKiosk() { lanes.shutdown(); }

  Logger logger{LogLevel::error};
  DeviceLanes lanes;
  DeviceHub health;
  KioskServices services;
  KioskShell shell;
  RecordingSpeaker speaker;
  SpokenGuidance guidance;
  std::optional<workflow::EndResult> ended;
};

}  // namespace shubbak::testing
