// tests/bench/languages: the demo's health-appointment form in each language at 1920x1080 on the
// software renderer, headless, and its receipt at 576 dots.
//   - first frame of the form in a fresh kiosk UI (cold: fonts, shaping and glyphs all new);
//   - frame time p50/p99 of full redraws of the unchanged form;
//   - receipt render time (median of 30);
//   - memory: resident set after Arabic alone, then after every language, and fonts read.
// Each figure is also given against Arabic's (no language should be slower than 1.5 times it).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "screens/receipt/receipt_renderer.hpp"
#include "screens/workflow/step_screen.hpp"
#include "tests/integration/ui/language_samples.hpp"
#include "tests/support/ui_harness.hpp"

using namespace shubbak;
using Clock = std::chrono::steady_clock;

namespace {

double ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5)];
}

double resident_mib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("VmRSS:")) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}

struct Figures {
  Language language;
  double first_frame = 0, p50 = 0, p99 = 0, receipt = 0;
};

Figures measure(Language language, const workflow::Bundle& bundle) {
  Figures f{language};
  testing::UiHarness h(language);
  h.ui().set_languages({std::begin(k_languages), std::end(k_languages)});
  auto start = Clock::now();
  auto screen =
      std::make_unique<StepScreen>(h.ui(), testing::sample_form(h.ui(), bundle),
                                   StepActions{[] {}, {}, {}, {}, {}, {}, {}, [](Language) {}});
  Screen& shown = *screen;
  h.show(std::move(screen));
  auto draw = [&] {
    auto begin = Clock::now();
    Canvas& canvas = h.display().begin_frame();
    shown.draw(canvas);
    h.display().present();
    return ms(Clock::now() - begin);
  };
  draw();
  f.first_frame = ms(Clock::now() - start);
  std::vector<double> frames;
  for (int i = 0; i < 200; ++i) frames.push_back(draw());
  f.p50 = percentile(frames, 0.5);
  f.p99 = percentile(frames, 0.99);
  auto document = testing::sample_language_receipt(h.ui(), bundle);
  std::vector<double> receipts;
  for (int i = 0; i < 30; ++i) {
    auto begin = Clock::now();
    auto page = render_receipt(h.text(), document, 576);
    if (!page)
      std::fprintf(stderr, "languages: receipt failed in %s\n", to_string(language).data());
    receipts.push_back(ms(Clock::now() - begin));
  }
  f.receipt = percentile(receipts, 0.5);
  return f;
}

}  // namespace

int main() {
  auto bundle = testing::health_bundle();
  if (!bundle) return 1;
  std::vector<Figures> all;
  // Memory: one kiosk UI that shows Arabic, then each language in turn.
  double after_arabic = 0, after_all = 0;
  std::size_t fonts_arabic = 0, fonts_all = 0;
  {
    testing::UiHarness h(Language::ar);
    h.ui().set_languages({std::begin(k_languages), std::end(k_languages)});
    h.show(
        std::make_unique<StepScreen>(h.ui(), testing::sample_form(h.ui(), *bundle), StepActions{}));
    h.screenshot();
    after_arabic = resident_mib();
    fonts_arabic = h.text().fonts_read();
    for (Language language : k_languages) {
      h.ui().set_language(language);
      h.show(std::make_unique<StepScreen>(h.ui(), testing::sample_form(h.ui(), *bundle),
                                          StepActions{}));
      h.screenshot();
    }
    after_all = resident_mib();
    fonts_all = h.text().fonts_read();
  }
  for (Language language : k_languages) all.push_back(measure(language, *bundle));
  const Figures& arabic = all.front();
  std::printf("languages (1920x1080, software renderer, the health appointment's form)\n");
  std::printf(
      "  lang  first frame ms (x ar)  frame p50 ms  frame p99 ms (x ar)  receipt 576 ms (x ar)\n");
  for (const auto& f : all) {
    std::printf("  %-4s  %8.1f (%.2f)        %8.2f      %8.2f (%.2f)        %8.2f (%.2f)\n",
                to_string(f.language).data(), f.first_frame, f.first_frame / arabic.first_frame,
                f.p50, f.p99, f.p99 / arabic.p99, f.receipt, f.receipt / arabic.receipt);
  }
  std::printf(
      "  memory: %.1f MiB resident with Arabic (%zu font files read), %.1f MiB after all "
      "nine languages (%zu font files read)\n",
      after_arabic, fonts_arabic, after_all, fonts_all);
  return 0;
}
