// The worst stall of the UI thread a bundle that lints can cause: hostile bundles built to the
// edge of what lint accepts (thousands of choice filters, patterns that defeat RE2's DFA, long
// answers, nested text functions, long calculation chains), walked by the workflow engine as the
// kiosk walks them. Every engine call is one citizen action (entering a screen, one keystroke,
// "continue"); the figure is the slowest, in milliseconds, with the expression steps it spent.
//
//   bench_ui_stall [REPEATS]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "kiosk/core/pattern.hpp"
#include "kiosk/core/record_rules.hpp"
#include "kiosk/workflow/bundle.hpp"
#include "kiosk/workflow/bundle_limits.hpp"
#include "kiosk/workflow/engine.hpp"

using json = nlohmann::json;
using namespace shubbak;
using namespace shubbak::workflow;

namespace {

using Clock = std::chrono::steady_clock;

json text(const std::string& en) {
  return {{"ar", "نص " + en}, {"en", en}};
}

// A form with the given fields (a long text answer `t` first), then review and an end.
json bundle_with(json fields, const std::vector<std::string>& asked) {
  json all = json::array({{{"name", "t"}, {"type", "text"}, {"label", text("T")}}});
  for (auto& f : fields) all.push_back(f);
  json ask = json::array({"t"});
  for (const auto& a : asked) ask.push_back(a);
  return {{"format", "shubbak.service/1"},
          {"id", "bench.stall"},
          {"version", "1.0.0"},
          {"ministry", "bench"},
          {"category", "information"},
          {"title", text("Stall")},
          {"description", text("Stall")},
          {"requires", json::array()},
          {"fields", all},
          {"steps",
           {{{"id", "form"},
             {"kind", "form"},
             {"fields", ask},
             {"next", "review"},
             {"title", text("Form")}},
            {{"id", "review"},
             {"kind", "review"},
             {"fields", ask},
             {"next", "done"},
             {"title", text("Review")}},
            {{"id", "done"}, {"kind", "end"}, {"result", "completed"}, {"title", text("Done")}}}},
          {"start", "form"},
          {"record", {{"fields", json::array()}}}};
}

// The largest count in [1, max] for which make(count) lints (lint's budget is monotonic in it).
int largest_that_lints(const std::function<json(int)>& make, int max) {
  int low = 0, high = max;
  while (low < high) {
    int mid = (low + high + 1) / 2;
    if (std::holds_alternative<std::shared_ptr<const Bundle>>(load_bundle(make(mid).dump()))) {
      low = mid;
    } else {
      high = mid - 1;
    }
  }
  return low;
}

struct Worst {
  double ms = 0;
  std::int64_t steps = 0;
  std::string action;
};

// Walks the bundle: enter the form, type the long answer key by key (the last keystrokes, at
// full length), choose, continue, review. Returns the slowest action.
Worst walk(const std::shared_ptr<const Bundle>& bundle, const std::string& answer, int repeats) {
  Worst worst;
  auto measure = [&](const std::string& what, const std::function<std::int64_t()>& action) {
    for (int r = 0; r < repeats; ++r) {
      auto start = Clock::now();
      std::int64_t steps = action();
      double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
      if (ms > worst.ms) worst = {ms, steps, what};
    }
  };
  std::unique_ptr<WorkflowEngine> engine;
  measure("enter the form", [&] {
    engine = std::make_unique<WorkflowEngine>(bundle, CivilDate{2026, 11, 21});
    return engine->last_action_work();
  });
  // Each keystroke's text is new (a rotation of the answer), so no pattern's DFA has seen it.
  std::size_t turn = 0;
  for (std::size_t length : {answer.size() / 2, answer.size() - 1, answer.size()}) {
    measure("a keystroke", [&] {
      std::size_t shift = (++turn * 977) % answer.size();
      std::string typed = (answer.substr(shift) + answer.substr(0, shift)).substr(0, length);
      (void)engine->set_answer("t", typed);
      return engine->last_action_work();
    });
  }
  for (const Field* f : engine->visible_fields()) {
    auto offered = engine->offered_choices(*f);
    if (f->kind == FieldKind::multi_choice && !offered.empty()) {
      std::vector<std::string> all;
      for (const Choice* c : offered) all.push_back(c->value);
      measure("a multi-choice answer", [&] {
        engine->set_value(f->name, Value{all});
        return engine->last_action_work();
      });
    }
    if (f->kind == FieldKind::choice && !offered.empty()) {
      measure("a choice", [&] {
        (void)engine->set_answer(f->name, offered.back()->value);
        return engine->last_action_work();
      });
    }
  }
  measure("continue (validate, enter the review)", [&] {
    auto copy = *engine;
    (void)copy.next();
    return copy.last_action_work();
  });
  if (engine->stopped())
    std::fprintf(stderr, "stopped: %s\n", engine->stopped()->describe().c_str());
  return worst;
}

std::string dfa_breaker(std::size_t length) {
  // Random x/y: (x|y)*x(x|y){N} needs 2^N DFA states; RE2 falls back to its NFA.
  std::mt19937 random(7);
  std::string out;
  for (std::size_t i = 0; i < length; ++i) out += (random() & 1) ? 'x' : 'y';
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int repeats = argc > 1 ? std::atoi(argv[1]) : 5;
  const std::string answer = dfa_breaker(k_max_record_field_bytes - 1);
  const std::string hard_pattern = "(x|y)*x(x|y){40}z?";
  auto compiled = Pattern::compile(hard_pattern);
  std::printf("ui_stall: work budget %lld steps per action; pattern %s has %d instructions\n",
              static_cast<long long>(k_work_steps_per_action), hard_pattern.c_str(),
              compiled ? compiled->program_size() : -1);

  struct Scenario {
    std::string name;
    std::function<json(int)> make;
    int max;
  };
  const std::vector<Scenario> scenarios = {
      {"choice filters with a DFA-defeating pattern on the long answer",
       [&](int n) {
         json choices = json::array();
         for (int i = 0; i < n; ++i) {
           choices.push_back({{"value", "c" + std::to_string(i)},
                              {"label", text("C")},
                              {"filter", "matches($t, \"" + hard_pattern + "\")"}});
         }
         return bundle_with(
             json::array(
                 {{{"name", "c"}, {"type", "choice"}, {"label", text("C")}, {"choices", choices}}}),
             {"c"});
       },
       static_cast<int>(k_max_choices)},
      {"thousands of cheap choice filters over several fields",
       [&](int n) {
         json fields = json::array();
         std::vector<std::string> asked;
         for (int f = 0; f < 4; ++f) {
           json choices = json::array();
           for (int i = 0; i < n; ++i) {
             choices.push_back({{"value", "c" + std::to_string(i)},
                                {"label", text("C")},
                                {"filter", "len($t) > " + std::to_string(i) +
                                               " and starts_with($t, \"x\") or $t = \"y\""}});
           }
           fields.push_back({{"name", "c" + std::to_string(f)},
                             {"type", "choice"},
                             {"label", text("C")},
                             {"choices", choices}});
           asked.push_back("c" + std::to_string(f));
         }
         return bundle_with(fields, asked);
       },
       static_cast<int>(k_max_choices)},
      {"choice filters reading a long multi-choice answer",
       [&](int n) {
         json many = json::array();
         for (int i = 0; i < static_cast<int>(k_max_choices); ++i) {
           many.push_back({{"value", "m" + std::to_string(i)}, {"label", text("M")}});
         }
         json choices = json::array();
         for (int i = 0; i < n; ++i) {
           choices.push_back(
               {{"value", "c" + std::to_string(i)},
                {"label", text("C")},
                {"filter", "selected($m, \"m499\") and count($m) > 3 or selected($m, \"x\")"}});
         }
         return bundle_with(
             json::array(
                 {{{"name", "m"},
                   {"type", "multi_choice"},
                   {"label", text("M")},
                   {"choices", many}},
                  {{"name", "c"}, {"type", "choice"}, {"label", text("C")}, {"choices", choices}}}),
             {"m", "c"});
       },
       static_cast<int>(k_max_choices)},
      {"contains() on long texts in filters",
       [&](int n) {
         json choices = json::array();
         for (int i = 0; i < n; ++i) {
           choices.push_back({{"value", "c" + std::to_string(i)},
                              {"label", text("C")},
                              {"filter", "contains($t, substr($t, 1, 4000))"}});
         }
         return bundle_with(
             json::array(
                 {{{"name", "c"}, {"type", "choice"}, {"label", text("C")}, {"choices", choices}}}),
             {"c"});
       },
       static_cast<int>(k_max_choices)},
      {"nested text functions in calculations",
       [&](int n) {
         json fields = json::array();
         // 27 levels of calls, inside if(concat(substr(...))): 30, under the limit of 32.
         std::string nested = "$t";
         for (int d = 0; d < 9; ++d) nested = "lower(upper(trim(" + nested + ")))";
         for (int i = 0; i < n; ++i) {
           fields.push_back({{"name", "k" + std::to_string(i)},
                             {"type", "text"},
                             {"label", text("K")},
                             {"calculate", "if(len(" + nested + ") > 2, concat(substr(" + nested +
                                               ", 0, 2000), \"a\"), \"b\")"}});
         }
         return bundle_with(fields, {});
       },
       200},
      {"patterns and constraints checked on continue",
       [&](int n) {
         json fields = json::array();
         std::vector<std::string> asked;
         for (int i = 0; i < n; ++i) {
           std::string name = "p" + std::to_string(i);
           fields.push_back({{"name", name},
                             {"type", "text"},
                             {"label", text("P")},
                             {"pattern", hard_pattern},
                             {"constraint", "matches($" + name + ", \"" + hard_pattern +
                                                "\") or contains($t, $" + name + ")"},
                             {"constraint_message", text("No")}});
           asked.push_back(name);
         }
         return bundle_with(fields, asked);
       },
       190},
  };

  Worst overall;
  for (const auto& scenario : scenarios) {
    int n = largest_that_lints(scenario.make, scenario.max);
    if (n == 0) {
      std::printf("  %-66s none lints\n", scenario.name.c_str());
      continue;
    }
    auto bundle = std::get<std::shared_ptr<const Bundle>>(load_bundle(scenario.make(n).dump()));
    // Every field of the pattern scenario gets the long answer too.
    // The longest answer, and shorter ones whose matches fit an expression's own step limit.
    Worst worst;
    for (std::size_t length :
         {answer.size(), std::size_t{3200}, std::size_t{1600}, std::size_t{400}}) {
      auto w = walk(bundle, answer.substr(0, length), repeats);
      if (w.ms > worst.ms) worst = w;
    }
    for (const auto& f : bundle->fields) {
      if (f.name.starts_with("p")) {
        WorkflowEngine e(bundle, CivilDate{2026, 11, 21});
        (void)e.set_answer("t", answer.substr(0, 3200));
        for (const auto& g : bundle->fields) {
          if (g.name.starts_with("p")) (void)e.set_answer(g.name, answer.substr(0, 3200));
        }
        for (int r = 0; r < repeats; ++r) {
          auto copy = e;
          auto start = Clock::now();
          (void)copy.next();
          double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
          if (ms > worst.ms)
            worst = {ms, copy.last_action_work(), "continue with every pattern on a long answer"};
        }
        break;
      }
    }
    std::printf("  %-66s n=%4d  worst %7.2f ms (%s, %lld steps)\n", scenario.name.c_str(), n,
                worst.ms, worst.action.c_str(), static_cast<long long>(worst.steps));
    if (worst.ms > overall.ms) overall = worst;
  }
  std::printf("ui_stall: worst action %.2f ms (%s, %lld steps); aim <= 100 ms\n", overall.ms,
              overall.action.c_str(), static_cast<long long>(overall.steps));
  return 0;
}
