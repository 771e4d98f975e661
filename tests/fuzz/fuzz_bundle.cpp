// Service bundles on arbitrary bytes: the one reader (strict JSON, schema, names, patterns,
// expressions) and every check of FORMAT.md's Validation, as lint, repo add and the kiosk run
// them. A bundle that loads is then walked by the engine, and no action may spend more work than
// the budget lint promised it would fit.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "kiosk/workflow/bundle.hpp"
#include "kiosk/workflow/engine.hpp"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace shubbak::workflow;
  auto loaded = load_bundle(std::string_view(reinterpret_cast<const char*>(data), size));
  if (auto* errors = std::get_if<std::vector<BundleError>>(&loaded)) {
    require(!errors->empty());
    for (const auto& e : *errors) require(e.path.starts_with("$") && !e.message.empty());
    return 0;
  }
  auto bundle = std::get<std::shared_ptr<const Bundle>>(loaded);
  WorkflowEngine engine(bundle, shubbak::CivilDate{2026, 11, 21});
  // Walk a few steps: every text field gets a long answer, every choice its first choice.
  for (int action = 0; action < 8 && !engine.finished(); ++action) {
    require(engine.last_action_work() <= k_work_steps_per_action + 20'000);
    for (const Field* f : engine.visible_fields()) {
      auto offered = engine.offered_choices(*f);
      if (!offered.empty()) {
        (void)engine.set_answer(f->name, offered.front()->value);
      } else {
        (void)engine.set_answer(f->name, std::string(4000, '7'));
      }
      require(engine.last_action_work() <= k_work_steps_per_action + 20'000);
    }
    if (engine.step().kind == StepKind::menu && !engine.step().options.empty()) {
      engine.choose(engine.step().options.front().value);
    } else if (engine.step().is_device_step() || engine.step().kind == StepKind::submit) {
      engine.device_finished(Outcome::ok, {{"method", "terminal"}, {"reference", "R1"}});
    } else {
      (void)engine.next();
    }
    require(!engine.stopped().has_value());
  }
  return 0;
}
