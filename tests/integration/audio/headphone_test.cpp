// Plugging headphones in starts spoken guidance at once. The jack is a real evdev device node
// (/dev/input/eventN) emulated by umockdev: its switch bits and state answered through the evdev
// ioctls, its events read as `struct input_event` records, by the real HeadphoneJack driver. A
// USB headset is SDL's "audio device added" event through the real SDL event queue.
// Runs under umockdev's preload (CTest's umockdev-wrapper); without it the tests fail.
#include <doctest/doctest.h>

#include <linux/input.h>

#include "drivers/audio/headphone_jack.hpp"
#include "kiosk/session/headphone_watch.hpp"
#include "tests/integration/audio/disk_audio.hpp"
#include "tests/integration/audio/guided_kiosk.hpp"
#include "tests/support/evdev/emulated_input_device.hpp"

using namespace shubbak;
using namespace std::chrono_literals;
using testing::EmulatedInputDevice;
using testing::GuidedKiosk;
using testing::InputTestbed;
using testing::UiHarness;

TEST_CASE("the jack is found among the input devices by its switch, with its state") {
  InputTestbed testbed;
  testbed.add(3, {});        // a keyboard: no switches at all
  testbed.add(4, {SW_LID});  // a lid switch, not a jack
  auto& jack_device = testbed.add(6, {SW_HEADPHONE_INSERT, SW_MICROPHONE_INSERT});
  auto jack = HeadphoneJack::open();
  REQUIRE_MESSAGE(jack, (jack ? "" : jack.error().describe()));
  CHECK((*jack)->device() == "/dev/input/event6");
  CHECK_FALSE((*jack)->inserted());

  // Nothing waiting: no changes, and the read did not block.
  auto none = (*jack)->read_changes();
  REQUIRE(none);
  CHECK(none->empty());
  CHECK(jack_device.reads() >= 1);

  // Plugged in, a microphone switch beside it, then out and in again: only the jack's changes.
  jack_device.set_switch(SW_HEADPHONE_INSERT, true);
  jack_device.set_switch(SW_MICROPHONE_INSERT, true);
  auto in = (*jack)->read_changes();
  REQUIRE(in);
  CHECK(*in == std::vector<bool>{true});
  CHECK((*jack)->inserted());
  jack_device.set_switch(SW_HEADPHONE_INSERT, false);
  jack_device.set_switch(SW_HEADPHONE_INSERT, true);
  auto out_and_in = (*jack)->read_changes();
  REQUIRE(out_and_in);
  CHECK(*out_and_in == std::vector<bool>{false, true});
}

TEST_CASE("headphones already in at start are read as in; no jack at all is not_found") {
  {
    InputTestbed testbed;
    testbed.add(2, {SW_HEADPHONE_INSERT}, {SW_HEADPHONE_INSERT});
    auto jack = HeadphoneJack::open();
    REQUIRE(jack);
    CHECK((*jack)->inserted());
  }
  {
    InputTestbed testbed;
    testbed.add(1, {SW_LID});
    auto jack = HeadphoneJack::open();
    REQUIRE_FALSE(jack);
    CHECK(jack.error().code == Errc::not_found);
  }
}

TEST_CASE("headphones plugged into the jack start spoken guidance and read the screen at once") {
  // SDL first: its start-up looks at the input devices, and the emulated jack is the driver's.
  UiHarness h(Language::en);
  InputTestbed testbed;
  auto& jack_device = testbed.add(5, {SW_HEADPHONE_INSERT});
  GuidedKiosk kiosk(h);
  kiosk.shell.show_welcome();
  h.ui().set_language(Language::en);
  h.settle();
  auto jack = HeadphoneJack::open();
  REQUIRE(jack);
  Logger logger{LogLevel::error};
  HeadphoneWatch watch(h.loop(), h.display(), kiosk.guidance, std::move(*jack),
                       Log(logger, "headphones"));

  // The jack read for a while with nothing plugged in: silence.
  h.run_until([] { return false; }, 3 * HeadphoneWatch::k_poll);
  CHECK(jack_device.reads() >= 2);
  CHECK_FALSE(kiosk.guidance.enabled());
  CHECK(kiosk.speaker.said.empty());

  jack_device.set_switch(SW_HEADPHONE_INSERT, true);
  REQUIRE(h.run_until([&] { return kiosk.guidance.enabled(); }, 2s));
  h.settle();
  REQUIRE(kiosk.speaker.said.size() == 1);  // the welcome screen, read from its start
  CHECK(kiosk.speaker.said[0].text.find("Button: Touch here to start") != std::string::npos);

  // Out and in again within the same citizen: the voice is not restarted from the top.
  jack_device.set_switch(SW_HEADPHONE_INSERT, false);
  jack_device.set_switch(SW_HEADPHONE_INSERT, true);
  h.run_until([] { return false; }, 3 * HeadphoneWatch::k_poll);
  CHECK(kiosk.speaker.said.size() == 1);
}

TEST_CASE("a USB headset (a new sound output) starts spoken guidance; a microphone does not") {
  UiHarness h(Language::en);  // no jack on this kiosk
  GuidedKiosk kiosk(h);
  kiosk.shell.show_welcome();
  h.ui().set_language(Language::en);
  h.settle();
  Logger logger{LogLevel::error};
  HeadphoneWatch watch(h.loop(), h.display(), kiosk.guidance, nullptr, Log(logger, "headphones"));

  h.display().inject_audio_device_added(0, true);  // a microphone
  h.settle();
  CHECK_FALSE(kiosk.guidance.enabled());

  h.display().inject_audio_device_added(0, false);  // the headset's output
  h.settle();
  REQUIRE(kiosk.guidance.enabled());
  REQUIRE(kiosk.speaker.said.size() == 1);
  CHECK(kiosk.speaker.said[0].text.find("Button: Touch here to start") != std::string::npos);
}

TEST_CASE("the sound outputs there when the kiosk's audio starts are not headphones plugged in") {
  UiHarness h(Language::en);
  GuidedKiosk kiosk(h);
  kiosk.shell.show_welcome();
  h.settle();
  // The kiosk's own output opens first (SDL's disk driver here): SDL reports its default output,
  // and its default microphone, as "added" at audio start, as it does every device it finds.
  testing::DiskAudio audio;
  auto output = audio.open();
  REQUIRE(output);
  Logger logger{LogLevel::error};
  HeadphoneWatch watch(h.loop(), h.display(), kiosk.guidance, nullptr, Log(logger, "headphones"));
  h.settle();
  h.run_until([] { return false; }, 300ms);
  CHECK_FALSE(kiosk.guidance.enabled());

  h.display().inject_audio_device_added(1, false);  // a second output: a headset
  h.settle();
  CHECK(kiosk.guidance.enabled());
}
