// The money path of one kiosk, as a process to kill: the real PaymentDesk over the real
// transaction store (payment intents in journal.db), the simulated terminal with its ledger in
// a file (the ground truth: it outlives the kiosk, as a real terminal's does), the receipt
// journal and a "printer" that writes a file. At start it reconciles what an earlier run left,
// as the kiosk does, then serves citizens: pre-flight, intent, terminal, commit (which settles
// the intent), receipt journaled, printed; some citizens walk away after paying (refund).
//
//   money_crash_child DIR SEED CITIZENS [POINT N]
//
// With POINT N it SIGKILLs itself the N-th time it reaches POINT (see k_points in
// money_matrix.hpp); CITIZENS 0 only reconciles. Prints "ready", "reconciled S R C F",
// "citizen ..." lines and "done".
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <string>

#include <fmt/format.h>

#include "drivers/payment/simulated_terminal.hpp"
#include "kiosk/crypto/device_key.hpp"
#include "kiosk/payments/payment_desk.hpp"
#include "kiosk/store/receipt_journal.hpp"
#include "kiosk/store/transaction_store.hpp"

namespace {

using namespace shubbak;

std::string g_die_point;
int g_die_after = 0;
std::map<std::string, int> g_reached;

// A durable step is behind us (or about to be taken): the place to die, when asked to.
void reached(const std::string& point) {
  if (point == g_die_point && ++g_reached[point] == g_die_after) ::kill(::getpid(), SIGKILL);
}

// The terminal, with the points around each of its answers: before it charges (the intent is
// written), after it charged (the kiosk has not written the answer), and around a reversal.
class PointedTerminal final : public PaymentTerminal {
 public:
  explicit PointedTerminal(SimulatedTerminal& inner) : m_inner(inner) {}
  Expected<void> open() override { return m_inner.open(); }
  void close() override { m_inner.close(); }
  DeviceStatus device_status() const override { return m_inner.device_status(); }
  Expected<PaymentResult> pay(const PaymentRequest& request) override {
    reached("terminal_before_pay");
    auto result = m_inner.pay(request);
    reached("terminal_after_pay");
    return result;
  }
  Expected<PaymentResult> status(const std::string& reference) override {
    return m_inner.status(reference);
  }
  Expected<void> reverse(const std::string& reference) override {
    reached("terminal_before_reverse");
    auto result = m_inner.reverse(reference);
    reached("terminal_after_reverse");
    return result;
  }

 private:
  SimulatedTerminal& m_inner;
};

void say(const std::string& line) {
  std::fputs((line + "\n").c_str(), stdout);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4 && argc != 6) {
    std::fprintf(stderr, "usage: money_crash_child DIR SEED CITIZENS [POINT N]\n");
    return 2;
  }
  std::filesystem::path dir = argv[1];
  std::uint64_t seed = std::strtoull(argv[2], nullptr, 10);
  int citizens = std::atoi(argv[3]);
  if (argc == 6) {
    g_die_point = argv[4];
    g_die_after = std::atoi(argv[5]);
  }
  Logger logger(LogLevel::error);
  logger.add_sink(make_stderr_sink());
  auto key = DeviceKey::load_or_create(dir / "device-key.pem");
  if (!key) {
    std::fprintf(stderr, "%s\n", key.error().describe().c_str());
    return 1;
  }
  TransactionStore::Options options;
  options.path = dir / "journal.db";
  options.kiosk_id = "K-crash";
  options.device_key = key->get();
  options.min_free_bytes = 1024 * 1024;
  auto store = TransactionStore::open(options, Log(logger, "store"));
  if (!store) {
    std::fprintf(stderr, "%s\n", store.error().describe().c_str());
    return 1;
  }
  SimulatedTerminal simulated(std::chrono::milliseconds(0), dir / "terminal.ledger");
  PointedTerminal terminal(simulated);
  PaymentJournal journal(**store, dir / "payments");
  PaymentDesk desk(terminal, journal, Log(logger, "payments"));
  ReceiptJournal receipts(**store);
  say("ready");

  auto report = desk.reconcile();
  (void)receipts.recover_interrupted();
  say(fmt::format("reconciled {} {} {} {}", report.settled, report.reversed, report.closed,
                  report.failed));
  if (report.failed > 0) return 3;

  std::mt19937_64 random(seed);
  std::uniform_int_distribution<int> percent(0, 99);
  std::uniform_int_distribution<std::int64_t> fee(100, 25'000);
  for (int n = 0; n < citizens; ++n) {
    std::string citizen = fmt::format("{}-{}", seed, n);
    int roll = percent(random);
    bool walks_away = false;
    if (roll < 8) {
      simulated.set_next(SimulatedTerminal::Next::decline);
    } else if (roll < 14) {
      simulated.set_next(SimulatedTerminal::Next::cancel);
    } else if (roll < 20) {
      simulated.set_next(SimulatedTerminal::Next::approve_then_lose_answer);
    } else if (roll < 25) {
      simulated.set_next(SimulatedTerminal::Next::time_out);
    } else if (roll < 40) {
      walks_away = true;  // pays, then leaves before submitting: the session refunds
    }
    std::string reference = PaymentDesk::new_reference("K-crash");
    TransactionDraft draft;
    draft.service_id = "muscat.municipality.fees";
    draft.service_version = "1.0.0";
    draft.amount = Money{fee(random), "OMR"};
    draft.payment_reference = reference;
    draft.fields = {{"citizen", citizen}, {"payment_method", "terminal"}};
    reached("preflight");
    auto paid = desk.pay({draft.amount, reference}, draft);
    reached("paid");
    if (!paid || paid->status != PaymentStatus::approved) {
      say(fmt::format("citizen {} {} {}", citizen, reference,
                      paid ? to_string(paid->status) : "error"));
      continue;
    }
    if (walks_away) {
      auto refunded = desk.refund(reference);
      reached("refunded");
      say(fmt::format("citizen {} {} {}", citizen, reference,
                      refunded ? "refunded" : "refund-failed"));
      continue;
    }
    auto record = (*store)->commit(draft);
    reached("committed");
    if (!record) {
      (void)desk.refund(reference);  // as the session does when submit fails
      say(fmt::format("citizen {} {} commit-failed", citizen, reference));
      continue;
    }
    auto receipt = receipts.journal(record->id, ReceiptKind::receipt, R"({"title":"receipt"})");
    reached("journaled");
    if (receipt) {
      std::filesystem::path paper = dir / fmt::format("printed-{}.txt", receipt->id);
      std::ofstream(paper) << record->id << "\n";
      (void)receipts.mark_printed(receipt->id, "idle");
      reached("printed");
    }
    say(fmt::format("citizen {} {} stored {}", citizen, reference, record->id));
  }
  say("done");
  return 0;
}
