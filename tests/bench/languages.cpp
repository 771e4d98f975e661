// tests/bench/languages: the demo's health-appointment form in each language at 1920x1080 on the
// software renderer, headless, and its receipt at 576 dots.
//   - first frame of the form in a fresh kiosk UI (cold: fonts, shaping and glyphs all new),
//     median of 7;
//   - frame time p50/p99 of 1,000 full redraws of the unchanged form, in turns of 50;
// (times are the UI thread's processor time, so other work on the machine does not count);
//   - receipt render time (median of 30);
// Languages take turns at every repetition, so the machine's other work falls on all alike.
// Every language shows the same content: the service's own texts and its description as the
// form's sentence and the receipt's footer.
//   - memory: resident set after Arabic alone, then after every language, and fonts read.
// Each figure is also given against Arabic's (no language should be slower than 1.5 times it).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>

#include <malloc.h>
#include <fstream>
#include <string>
#include <vector>

#include "screens/receipt/receipt_renderer.hpp"
#include "screens/workflow/step_screen.hpp"
#include "tests/bench/bench_stats.hpp"
#include "tests/integration/ui/language_samples.hpp"
#include "tests/support/ui_harness.hpp"

using namespace shubbak;
using Clock = std::chrono::steady_clock;

using bench_stats::ms;
using bench_stats::percentile;

namespace {

// Resident memory in MiB: anonymous (heap, glyph caches, frame buffers) and file-backed (fonts,
// which are mapped, and the program's libraries).
struct Resident {
  double anonymous = 0, file = 0;
};

Resident resident() {
  malloc_trim(0);  // memory freed but kept by the allocator is not in use
  Resident r;
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("RssAnon:")) r.anonymous = std::stod(line.substr(8)) / 1024.0;
    if (line.starts_with("RssFile:")) r.file = std::stod(line.substr(8)) / 1024.0;
  }
  return r;
}

// The UI thread's processor time: a compiler running beside the benchmark does not count.
Clock::duration thread_cpu_now() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

struct Figures {
  Language language;
  double first_frame = 0, first_frame_cold = 0, p50 = 0, p99 = 0, receipt = 0;
};

// The same content in every language: the sample form and receipt with the service's
// description as their text, so each language shows one sentence of the same meaning.
StepView same_form(const UiContext& ui, const workflow::Bundle& bundle) {
  StepView form = testing::sample_form(ui, bundle);
  form.body = bundle.description.in(ui.language());
  return form;
}

// The service's introduction, the screen a citizen sees just before the form.
StepView introduction(const UiContext& ui, const workflow::Bundle& bundle) {
  StepView view;
  view.kind = StepView::Kind::message;
  view.service_title = bundle.title.in(ui.language());
  view.title = bundle.step("intro")->title.in(ui.language());
  view.body = bundle.step("intro")->body->in(ui.language());
  view.primary = std::string(ui.message("step.continue"));
  view.can_cancel = true;
  return view;
}

ReceiptDocument same_receipt(const UiContext& ui, const workflow::Bundle& bundle) {
  ReceiptDocument document = testing::sample_language_receipt(ui, bundle);
  document.footer = bundle.description.in(ui.language());
  return document;
}

// One kiosk UI per language showing the form, drawn in turn so that whatever else the machine
// does falls on every language alike (the ratios are the figures that matter).
struct Shown {
  Language language;
  std::unique_ptr<testing::UiHarness> harness;
  Screen* screen = nullptr;
};

Shown open_ui(Language language) {
  Shown shown{language, std::make_unique<testing::UiHarness>(language)};
  shown.harness->ui().set_languages({std::begin(k_languages), std::end(k_languages)});
  return shown;
}

void show(Shown& shown, StepView view) {
  auto screen = std::make_unique<StepScreen>(shown.harness->ui(), std::move(view), StepActions{});
  shown.screen = screen.get();
  shown.harness->show(std::move(screen));
}

// The processor time of one full frame of the shown screen, in ms.
double draw(Shown& shown) {
  auto begin = thread_cpu_now();
  Canvas& canvas = shown.harness->display().begin_frame();
  shown.screen->draw(canvas);
  shown.harness->display().present();
  return ms(thread_cpu_now() - begin);
}

std::vector<Figures> measure(const workflow::Bundle& bundle) {
  constexpr std::size_t count = std::size(k_languages);
  std::vector<Figures> figures;
  for (Language language : k_languages) figures.push_back({language});
  // First frame of the form, median of 7, each in a fresh kiosk UI:
  //   - as a citizen reaches it: the service's introduction was shown first in the language, so
  //     its fonts are open; the form's texts and most of its glyphs are new;
  //   - cold: the language's first screen, its fonts not yet read.
  std::vector<std::vector<double>> firsts(count), colds(count);
  for (int run = 0; run < 7; ++run) {
    for (std::size_t i = 0; i < count; ++i) {
      Shown reached = open_ui(k_languages[i]);
      show(reached, introduction(reached.harness->ui(), bundle));
      draw(reached);
      auto begin = thread_cpu_now();
      show(reached, same_form(reached.harness->ui(), bundle));
      draw(reached);
      firsts[i].push_back(ms(thread_cpu_now() - begin));

      Shown cold = open_ui(k_languages[i]);
      begin = thread_cpu_now();
      show(cold, same_form(cold.harness->ui(), bundle));
      draw(cold);
      colds[i].push_back(ms(thread_cpu_now() - begin));
    }
  }
  // Frames: full redraws of the unchanged form, 20 turns of 50 frames each, after one frame
  // that brings the language's screen back into the processor's caches.
  std::vector<Shown> warm;
  for (Language language : k_languages) {
    warm.push_back(open_ui(language));
    show(warm.back(), same_form(warm.back().harness->ui(), bundle));
  }
  std::vector<std::vector<double>> frames(count);
  for (int turn = 0; turn < 20; ++turn) {
    for (std::size_t i = 0; i < count; ++i) {
      draw(warm[i]);
      for (int frame = 0; frame < 50; ++frame) frames[i].push_back(draw(warm[i]));
    }
  }
  // Receipts at 576 dots.
  std::vector<ReceiptDocument> documents;
  for (auto& shown : warm) documents.push_back(same_receipt(shown.harness->ui(), bundle));
  std::vector<std::vector<double>> receipts(count);
  for (int round = 0; round < 30; ++round) {
    for (std::size_t i = 0; i < count; ++i) {
      auto begin = thread_cpu_now();
      auto page = render_receipt(warm[i].harness->text(), documents[i], 576);
      if (!page)
        std::fprintf(stderr, "languages: receipt failed in %s\n", to_string(k_languages[i]).data());
      receipts[i].push_back(ms(thread_cpu_now() - begin));
    }
  }
  for (std::size_t i = 0; i < count; ++i) {
    figures[i].first_frame = percentile(firsts[i], 0.5);
    figures[i].first_frame_cold = percentile(colds[i], 0.5);
    figures[i].p50 = percentile(frames[i], 0.5);
    figures[i].p99 = percentile(frames[i], 0.99);
    figures[i].receipt = percentile(receipts[i], 0.5);
  }
  return figures;
}

}  // namespace

int main() {
  auto bundle = testing::health_bundle();
  if (!bundle) return 1;
  // Memory: one kiosk UI that shows Arabic, then each language in turn.
  Resident at_start, after_arabic, after_all;
  std::size_t fonts_arabic = 0, fonts_all = 0;
  {
    testing::UiHarness h(Language::ar);
    at_start = resident();
    h.ui().set_languages({std::begin(k_languages), std::end(k_languages)});
    h.show(std::make_unique<StepScreen>(h.ui(), same_form(h.ui(), *bundle), StepActions{}));
    h.screenshot();
    after_arabic = resident();
    fonts_arabic = h.text().fonts_read();
    for (Language language : k_languages) {
      h.ui().set_language(language);
      h.show(std::make_unique<StepScreen>(h.ui(), same_form(h.ui(), *bundle), StepActions{}));
      h.screenshot();
    }
    after_all = resident();
    fonts_all = h.text().fonts_read();
  }
  std::vector<Figures> all = measure(*bundle);
  const Figures& arabic = all.front();
  std::printf("languages (1920x1080, software renderer, the health appointment's form)\n");
  std::printf(
      "  lang  first frame ms (x ar)  cold first ms (x ar)  frame p50 ms  frame p99 ms (x ar)  "
      "receipt 576 ms (x ar)\n");
  for (const auto& f : all) {
    std::printf(
        "  %-4s  %8.2f (%.2f)         %8.2f (%.2f)       %8.2f      %8.2f (%.2f)        %8.2f "
        "(%.2f)\n",
        to_string(f.language).data(), f.first_frame, f.first_frame / arabic.first_frame,
        f.first_frame_cold, f.first_frame_cold / arabic.first_frame_cold, f.p50, f.p99,
        f.p99 / arabic.p99, f.receipt, f.receipt / arabic.receipt);
  }
  std::printf(
      "  memory (MiB resident, anonymous + file-backed; fonts are mapped files):\n"
      "    kiosk UI open           %6.1f + %5.1f\n"
      "    Arabic form shown       %6.1f + %5.1f  (%zu font files read)\n"
      "    all nine languages      %6.1f + %5.1f  (%zu font files read)\n",
      at_start.anonymous, at_start.file, after_arabic.anonymous, after_arabic.file, fonts_arabic,
      after_all.anonymous, after_all.file, fonts_all);
  return 0;
}
