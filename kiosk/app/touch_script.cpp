#include "kiosk/app/touch_script.hpp"

#include <charconv>
#include <sstream>

namespace shubbak {

namespace {

constexpr std::chrono::milliseconds k_retry{50};
constexpr std::chrono::milliseconds k_element_wait{3000};

std::optional<int> to_int(const std::string& word) {
  int value = 0;
  auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), value);
  if (ec != std::errc() || end != word.data() + word.size()) return std::nullopt;
  return value;
}

bool is_safe_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string_view demo_touch_script() {
  // Four citizens, at least one for each demo service, then a technician, on simulated devices: a
  // card reader holding the demo ID card, a payment terminal that approves, a printer that writes
  // PNG receipts.
  return R"(shot 01-welcome-ar
tap @language:en
shot 02-welcome-en
tap @language:ar
tap @start
shot 03-menu
# 1. Municipal fees, paid by card.
tap @option:muscat.municipality.fees
shot 04-fees-intro
tap @primary
shot 05-fees-choose
tap @option:waste
tap @account_number
shot 06-fees-form-keyboard
type 12345678
tap @key:enter
tap @primary
shot 07-fees-review
tap @primary
shot 08-fees-pay
tap @option:terminal
wait 1500
shot 09-fees-done
tap @primary
# 2. A birth certificate: the ID card, a form, card payment, a queue ticket.
tap @start
tap @option:oman.civil-status.birth-certificate
tap @primary
wait 1500
shot 10-certificate-details
tap @certificate_for:choice:self
tap @primary
shot 11-certificate-review
tap @primary
wait 1500
shot 12-certificate-done
tap @primary
# 3. A health appointment, free, with skip logic and a choice filter.
tap @start
tap @option:jordan.health.appointment
tap @primary
tap @national_id
type 9861031236
tap @key:enter
tap @governorate:choice:amman
tap @phone
type 0791234567
tap @key:enter
shot 13-health-about-you
tap @primary
tap @clinic:choice:general
tap @has_chronic:choice:yes
wait 100
shot 14-health-clinic
tap @chronic_details
type Diabetes
tap @key:enter
tap @primary
shot 15-health-review
tap @primary
wait 1000
shot 16-health-done
tap @primary
# 4. A shop licence, with a payment reference to pay later at a bank.
tap @start
tap @option:muscat.municipality.fees
tap @primary
tap @option:shop_licence
tap @account_number
type 87654321
tap @key:enter
tap @primary
tap @primary
tap @option:reference
wait 500
shot 17-fees-reference-done
tap @primary
shot 18-welcome-again
# 5. A technician: five taps in the top corner, the demo PIN 246810 (kiosk/app/demo_defaults.hpp),
# the diagnostics in Arabic and English, a test print, then logout.
tap @technician_corner
tap @technician_corner
tap @technician_corner
tap @technician_corner
tap @technician_corner
shot 19-technician-pin
tap @pin:2
tap @pin:4
tap @pin:6
tap @pin:8
tap @pin:1
tap @pin:0
tap @pin:enter
wait 1500
shot 20-technician-ar
tap @action:language
tap @action:print
wait 1500
shot 21-technician-en
tap @action:logout
)";
}

Expected<std::vector<ScriptStep>> parse_touch_script(std::string_view text,
                                                     std::string_view source) {
  std::vector<ScriptStep> steps;
  std::istringstream lines{std::string(text)};
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string word; words >> word;) w.push_back(word);
    if (w.empty()) continue;
    auto bad = [&](std::string_view why) {
      return fail(Errc::parse, fmt::format("{}:{}: {}", source, number, why));
    };
    ScriptStep step{};
    step.line = number;
    if (w[0] == "tap" && w.size() == 2 && w[1].size() > 1 && w[1][0] == '@') {
      step.kind = ScriptStep::Kind::tap;
      step.element = w[1].substr(1);
    } else if (w[0] == "tap" && w.size() == 3) {
      auto x = to_int(w[1]), y = to_int(w[2]);
      if (!x || !y) return bad("tap takes @ELEMENT or X Y");
      step.kind = ScriptStep::Kind::tap;
      step.point = {*x, *y};
    } else if (w[0] == "type" && w.size() >= 2) {
      step.kind = ScriptStep::Kind::type;
      step.name = line.substr(line.find("type") + 5);
      while (!step.name.empty() && step.name.back() == ' ') step.name.pop_back();
    } else if (w[0] == "wait" && w.size() == 2) {
      auto ms = to_int(w[1]);
      if (!ms || *ms < 0 || *ms > 600000) return bad("wait takes milliseconds from 0 to 600000");
      step.kind = ScriptStep::Kind::wait;
      step.milliseconds = *ms;
    } else if (w[0] == "shot" && w.size() == 2) {
      if (!is_safe_name(w[1])) return bad("shot takes a name of letters, digits, '-' and '_'");
      step.kind = ScriptStep::Kind::shot;
      step.name = w[1];
    } else if (w[0] == "quit" && w.size() == 1) {
      step.kind = ScriptStep::Kind::quit;
    } else {
      return bad(fmt::format("unknown command '{}'", line));
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

ScriptRunner::ScriptRunner(EventLoop& loop, Display& display, KioskApp& app,
                           std::vector<ScriptStep> steps, std::filesystem::path out_dir, Log log,
                           std::function<void(int)> finished)
    : m_loop(loop),
      m_display(display),
      m_app(app),
      m_steps(std::move(steps)),
      m_out_dir(std::move(out_dir)),
      m_log(std::move(log)),
      m_finished(std::move(finished)) {}

void ScriptRunner::start() {
  m_loop.post([this] { step(); });
}

// Posted, so the touches just pushed are dispatched (start of the next loop iteration) before
// the next step runs.
void ScriptRunner::next() {
  ++m_index;
  m_loop.post([this] { step(); });
}

void ScriptRunner::stop(int exit_code) {
  m_index = m_steps.size();
  if (m_finished) m_finished(exit_code);
}

void ScriptRunner::step() {
  if (m_index >= m_steps.size()) return stop(0);
  const ScriptStep& s = m_steps[m_index];
  switch (s.kind) {
    case ScriptStep::Kind::tap: {
      Point at = s.point;
      if (!s.element.empty()) {
        auto rect = m_app.screen() ? m_app.screen()->find_element(s.element) : std::nullopt;
        if (!rect) {
          // The screen may still be changing (a device answer, a posted switch): look again,
          // for at most k_element_wait, as a person waits for the button to appear.
          if (++m_element_tries * k_retry < k_element_wait) {
            m_loop.add_timer(k_retry, [this] { step(); });
            return;
          }
          m_log.error("script line {}: no element @{} on this screen", s.line, s.element);
          return stop(1);
        }
        at = rect->center();
      }
      m_element_tries = 0;
      m_log.debug("script: tap {},{}", at.x, at.y);
      m_display.inject_touch(PointerEvent::Kind::down, at);
      m_display.inject_touch(PointerEvent::Kind::up, at);
      return next();
    }
    case ScriptStep::Kind::type:
      m_display.inject_text(s.name);
      return next();
    case ScriptStep::Kind::wait:
      m_loop.add_timer(std::chrono::milliseconds(s.milliseconds), [this] { next(); });
      return;
    case ScriptStep::Kind::shot: {
      auto path = m_out_dir / (s.name + ".png");
      m_app.request_screenshot(path, [this, path, line = s.line](Expected<void> saved) {
        if (!saved) {
          m_log.error("script line {}: screenshot failed: {}", line, saved.error().describe());
          return stop(1);
        }
        m_screenshots.push_back(path);
        next();
      });
      return;
    }
    case ScriptStep::Kind::quit:
      return stop(0);
  }
}

}  // namespace shubbak
