// tests/bench/vs_chromium: Shubbak and Chromium's --kiosk mode side by side on one X display,
// measured from outside both programs in the same way (run it through run.sh, which starts the
// Xvfb it needs):
//   * exec to the first complete frame: every damage event on the root window is followed by a
//     screen grab; the time is that of the first grab equal to the final frame (grabbed 10 s
//     after exec, when both have long settled);
//   * PSS of the whole process tree 10 s after exec (/proc/PID/smaps_rollup);
//   * CPU time of the tree over the next idle seconds (30 by default; every thread's schedstat,
//     to the nanosecond), and the damage events (frames) then;
//   * tap to complete frame: an XTest click, then damage and grabs until the screen equals the
//     frame grabbed once things settled again.
// Runs are interleaved pairs (which program goes first alternates). Prints medians, ranges,
// ratios, and the median of each phase of Shubbak's start-up trace (SHUBBAK_STARTUP_TRACE).
//
//   bench_vs_chromium --shubbak BIN --config TOML --chromium BIN --page HTML
//                     [--pairs 12] [--idle 30] [--tap X,Y] [--shots DIR]
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/XShm.h>
#include <X11/extensions/XTest.h>
#include <X11/extensions/Xdamage.h>
#include <png.h>

extern char** environ;

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

// --- the screen: damage events and grabs through shared memory ------------------------------
class RootScreen {
 public:
  bool open() {
    m_display = XOpenDisplay(nullptr);
    if (!m_display) return false;
    int event_base = 0, error_base = 0, major = 0, minor = 0;
    if (!XDamageQueryExtension(m_display, &m_damage_event, &error_base)) return false;
    if (!XTestQueryExtension(m_display, &event_base, &error_base, &major, &minor)) return false;
    if (!XShmQueryExtension(m_display)) return false;
    m_root = DefaultRootWindow(m_display);
    m_width = DisplayWidth(m_display, DefaultScreen(m_display));
    m_height = DisplayHeight(m_display, DefaultScreen(m_display));
    m_image = XShmCreateImage(
        m_display, DefaultVisual(m_display, DefaultScreen(m_display)),
        static_cast<unsigned>(DefaultDepth(m_display, DefaultScreen(m_display))), ZPixmap, nullptr,
        &m_shm, static_cast<unsigned>(m_width), static_cast<unsigned>(m_height));
    if (!m_image) return false;
    m_shm.shmid = shmget(
        IPC_PRIVATE,
        static_cast<std::size_t>(m_image->bytes_per_line) * static_cast<std::size_t>(m_height),
        IPC_CREAT | 0600);
    if (m_shm.shmid < 0) return false;
    m_shm.shmaddr = m_image->data = static_cast<char*>(shmat(m_shm.shmid, nullptr, 0));
    m_shm.readOnly = False;
    XShmAttach(m_display, &m_shm);
    XSync(m_display, False);
    shmctl(m_shm.shmid, IPC_RMID, nullptr);  // gone once both sides detach
    m_damage = XDamageCreate(m_display, m_root, XDamageReportNonEmpty);
    XSync(m_display, False);
    return true;
  }

  ~RootScreen() {
    if (!m_display) return;
    if (m_damage) XDamageDestroy(m_display, m_damage);
    if (m_image) {
      XShmDetach(m_display, &m_shm);
      XDestroyImage(m_image);
      shmdt(m_shm.shmaddr);
    }
    XCloseDisplay(m_display);
  }

  int width() const { return m_width; }
  int height() const { return m_height; }

  // Forgets damage so far: the next event is for pixels changed after this call.
  void reset_damage() {
    XDamageSubtract(m_display, m_damage, None, None);
    XSync(m_display, False);
    drain();
  }

  // Waits until the screen is damaged or `until`; true if it was (the damage is then cleared).
  bool wait_damage(Clock::time_point until) {
    for (int guard = 0; guard < 100000; ++guard) {
      if (drain()) {
        XDamageSubtract(m_display, m_damage, None, None);
        XFlush(m_display);
        return true;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
      if (left.count() <= 0) return false;
      pollfd fd{ConnectionNumber(m_display), POLLIN, 0};
      ::poll(&fd, 1, static_cast<int>(std::min<long long>(left.count(), 1000)) + 1);
    }
    return false;
  }

  // The whole screen's pixels, as a 64-bit hash (FNV-1a over 64-bit words).
  std::uint64_t grab() {
    XShmGetImage(m_display, m_root, m_image, 0, 0, AllPlanes);
    std::uint64_t hash = 1469598103934665603ull;
    for (int y = 0; y < m_height; ++y) {
      const auto* row = reinterpret_cast<const std::uint64_t*>(
          m_image->data + static_cast<std::ptrdiff_t>(y) * m_image->bytes_per_line);
      for (int x = 0; x < m_width / 2; ++x) hash = (hash ^ row[x]) * 1099511628211ull;
    }
    return hash;
  }

  bool save_png(const fs::path& path) {
    XShmGetImage(m_display, m_root, m_image, 0, 0, AllPlanes);
    FILE* file = std::fopen(path.c_str(), "wb");
    if (!file) return false;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    png_infop info = png_create_info_struct(png);
    if (setjmp(png_jmpbuf(png))) {
      png_destroy_write_struct(&png, &info);
      std::fclose(file);
      return false;
    }
    png_init_io(png, file);
    png_set_IHDR(png, info, static_cast<png_uint_32>(m_width), static_cast<png_uint_32>(m_height),
                 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    std::vector<png_byte> row(static_cast<std::size_t>(m_width) * 3);
    for (int y = 0; y < m_height; ++y) {
      for (int x = 0; x < m_width; ++x) {
        unsigned long pixel = XGetPixel(m_image, x, y);
        row[static_cast<std::size_t>(x) * 3] = static_cast<png_byte>((pixel >> 16) & 0xff);
        row[static_cast<std::size_t>(x) * 3 + 1] = static_cast<png_byte>((pixel >> 8) & 0xff);
        row[static_cast<std::size_t>(x) * 3 + 2] = static_cast<png_byte>(pixel & 0xff);
      }
      png_write_row(png, row.data());
    }
    png_write_end(png, nullptr);
    png_destroy_write_struct(&png, &info);
    std::fclose(file);
    return true;
  }

  void move_pointer(int x, int y) {
    XTestFakeMotionEvent(m_display, -1, x, y, CurrentTime);
    XSync(m_display, False);
  }
  void click() {
    XTestFakeButtonEvent(m_display, 1, True, CurrentTime);
    XTestFakeButtonEvent(m_display, 1, False, CurrentTime);
    XFlush(m_display);
  }

 private:
  bool drain() {
    bool damaged = false;
    while (XPending(m_display) > 0) {
      XEvent event;
      XNextEvent(m_display, &event);
      if (event.type == m_damage_event + XDamageNotify) damaged = true;
    }
    return damaged;
  }

  Display* m_display = nullptr;
  Window m_root = 0;
  int m_width = 0, m_height = 0;
  int m_damage_event = 0;
  Damage m_damage = 0;
  XImage* m_image = nullptr;
  XShmSegmentInfo m_shm{};
};

// --- the process tree ------------------------------------------------------------------------
struct ProcStat {
  pid_t pid, ppid, pgrp;
  long long cpu_ticks;
};

std::optional<ProcStat> read_stat(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(in, text)) return std::nullopt;
  auto close = text.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream rest(text.substr(close + 2));
  std::string state;
  long long fields[13] = {};
  rest >> state;
  for (auto& f : fields)
    rest >> f;  // ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
  if (!rest) return std::nullopt;
  return ProcStat{pid, static_cast<pid_t>(fields[0]), static_cast<pid_t>(fields[1]),
                  fields[10] + fields[11]};
}

// The leader, its descendants, and everything in its process group.
std::vector<ProcStat> tree(pid_t leader) {
  std::vector<ProcStat> all;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
    if (auto s = read_stat(std::stoi(name))) all.push_back(*s);
  }
  std::set<pid_t> in{leader};
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& s : all) {
      if (!in.count(s.pid) && (in.count(s.ppid) || s.pgrp == leader)) {
        in.insert(s.pid);
        grew = true;
      }
    }
  }
  std::vector<ProcStat> out;
  for (const auto& s : all)
    if (in.count(s.pid)) out.push_back(s);
  return out;
}

// Time on a CPU of every thread of the process, in nanoseconds (schedstat: exact, where the
// ticks of /proc/PID/stat count in 10 ms steps). Threads that ended are not counted.
long long cpu_ns(pid_t pid) {
  long long total = 0;
  std::error_code ec;
  for (const auto& task : fs::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    std::ifstream in(task.path() / "schedstat");
    long long on_cpu = 0;
    if (in >> on_cpu) total += on_cpu;
  }
  return total;
}

double pss_mib(const std::vector<ProcStat>& procs) {
  long long kib = 0;
  for (const auto& p : procs) {
    std::ifstream in("/proc/" + std::to_string(p.pid) + "/smaps_rollup");
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("Pss:", 0) == 0) kib += std::atoll(line.c_str() + 4);
    }
  }
  return static_cast<double>(kib) / 1024.0;
}

// --- one run ---------------------------------------------------------------------------------
struct Options {
  std::string shubbak, config, chromium, page;
  int pairs = 12;
  int idle_seconds = 30;
  int pss_after_seconds = 10;
  int tap_x = 960, tap_y = 900;
  fs::path shots;
  fs::path work = "/tmp";
};

struct Result {
  bool ok = false;
  double first_frame_ms = 0, pss = 0, idle_cpu_s = 0, tap_ms = 0;
  int idle_frames = 0, processes = 0;
  std::vector<std::pair<std::string, double>> trace;  // phase, ms (Shubbak only), in order
};

struct Frames {
  std::vector<std::pair<double, std::uint64_t>> grabs;  // ms since the start, hash
  // Grabs after each damage until `until`; returns the number of damage events seen.
  int follow(RootScreen& screen, Clock::time_point start, Clock::time_point until) {
    int damages = 0;
    while (screen.wait_damage(until)) {
      ++damages;
      auto at = Clock::now();
      grabs.emplace_back(ms_between(start, at), screen.grab());
    }
    return damages;
  }
  // When the screen first showed `final`; the grab at `end_ms` if never before.
  double first_equal(std::uint64_t final, double end_ms) const {
    for (const auto& [at, hash] : grabs)
      if (hash == final) return at;
    return end_ms;
  }
};

void stop_tree(pid_t leader) {
  ::kill(-leader, SIGTERM);
  for (int i = 0; i < 100; ++i) {  // 5 s at most
    int status = 0;
    if (::waitpid(leader, &status, WNOHANG) == leader) break;
    ::usleep(50'000);
  }
  for (const auto& p : tree(leader)) ::kill(p.pid, SIGKILL);
  ::kill(-leader, SIGKILL);
  int status = 0;
  ::waitpid(leader, &status, 0);
}

std::vector<std::pair<std::string, double>> parse_trace(const fs::path& log) {
  std::vector<std::pair<std::string, double>> phases;
  std::ifstream in(log);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("startup-trace ", 0) != 0) continue;
    std::istringstream words(line.substr(14));
    std::string what, ms, at;
    words >> what >> ms >> at;
    auto eq = what.find('=');
    if (what.rfind("first-frame", 0) == 0) {
      phases.emplace_back("= first frame (ms since exec)", std::atof(ms.c_str() + 3));
      continue;
    }
    if (eq == std::string::npos || ms.rfind("ms=", 0) != 0) continue;
    std::string kind = what.substr(0, eq), name = what.substr(eq + 1);
    std::string prefix = kind == "deferred" ? "after the first frame: "
                         : kind == "beside" ? "beside the UI thread: "
                                            : "";
    phases.emplace_back(prefix + name, std::atof(ms.c_str() + 3));
  }
  return phases;
}

Result run_once(const Options& o, RootScreen& screen, bool chromium, int index) {
  Result result;
  std::string label = chromium ? "chromium" : "shubbak";
  fs::path profile = o.work / ("profile-" + std::to_string(index));
  fs::path log = o.work / (label + "-" + std::to_string(index) + ".log");
  fs::remove_all(profile);
  std::vector<std::string> args;
  if (chromium) {
    args = {o.chromium, "--kiosk", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-quic",
            // Without a window manager (as on a kiosk), --kiosk alone leaves the window small.
            "--window-position=0,0", "--window-size=1920,1080",
            "--user-data-dir=" + profile.string(), "file://" + o.page};
  } else {
    args = {o.shubbak, "--config", o.config};
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  screen.move_pointer(o.tap_x, o.tap_y);  // no hover change at the tap: the pointer is there
  screen.reset_damage();
  std::uint64_t blank = screen.grab();

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attributes, 0);

  auto start = Clock::now();
  std::string origin =
      "SHUBBAK_STARTUP_TRACE=" +
      std::to_string(
          std::chrono::duration_cast<std::chrono::nanoseconds>(start.time_since_epoch()).count());
  std::vector<char*> env;
  for (char** e = environ; *e; ++e)
    if (std::strncmp(*e, "SHUBBAK_STARTUP_TRACE=", 22) != 0) env.push_back(*e);
  if (!chromium) env.push_back(origin.data());
  env.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, args[0].c_str(), &actions, &attributes, argv.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (rc != 0) {
    std::fprintf(stderr, "vs_chromium: cannot start %s: %s\n", args[0].c_str(), std::strerror(rc));
    return result;
  }

  // Exec to the first complete frame.
  auto pss_at = start + std::chrono::seconds(o.pss_after_seconds);
  Frames startup;
  startup.follow(screen, start, pss_at);
  std::uint64_t settled = screen.grab();
  result.first_frame_ms = startup.first_equal(settled, ms_between(start, Clock::now()));
  if (!o.shots.empty()) screen.save_png(o.shots / (label + "-welcome.png"));

  // Memory 10 s after exec, then the idle CPU of the whole tree.
  auto procs = tree(pid);
  result.processes = static_cast<int>(procs.size());
  result.pss = pss_mib(procs);
  std::map<pid_t, long long> cpu_before;
  for (const auto& p : procs) cpu_before[p.pid] = cpu_ns(p.pid);
  screen.reset_damage();
  Frames idle;
  result.idle_frames =
      idle.follow(screen, start, Clock::now() + std::chrono::seconds(o.idle_seconds));
  long long nanoseconds = 0;
  for (const auto& p : tree(pid)) {
    auto before = cpu_before.find(p.pid);
    nanoseconds += cpu_ns(p.pid) - (before == cpu_before.end() ? 0 : before->second);
  }
  result.idle_cpu_s = static_cast<double>(nanoseconds) / 1e9;

  // Tap to the complete new frame.
  std::uint64_t before_tap = screen.grab();
  screen.reset_damage();
  auto tap = Clock::now();
  screen.click();
  Frames tapped;
  tapped.follow(screen, tap, tap + std::chrono::seconds(3));
  std::uint64_t after_tap = screen.grab();
  result.tap_ms = tapped.first_equal(after_tap, ms_between(tap, Clock::now()));
  if (!o.shots.empty()) screen.save_png(o.shots / (label + "-tapped.png"));

  stop_tree(pid);
  fs::remove_all(profile);
  if (!chromium) result.trace = parse_trace(log);

  result.ok = true;
  if (settled == blank) {
    std::fprintf(stderr, "vs_chromium: %s %d drew nothing (see %s)\n", label.c_str(), index,
                 log.c_str());
    result.ok = false;
  }
  if (after_tap == before_tap) {
    std::fprintf(stderr, "vs_chromium: %s %d: the tap changed nothing\n", label.c_str(), index);
    result.ok = false;
  }
  return result;
}

// --- figures -----------------------------------------------------------------------------------
double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  if (v.empty()) return 0;
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

void row(const char* name, const char* unit, const std::vector<double>& s,
         const std::vector<double>& c, double aim_ratio) {
  double ms = median(s), mc = median(c);
  double ratio = ms > 0 ? mc / ms : 0;
  std::printf(
      "  %-28s shubbak %8.3f %s [%.3f..%.3f]   chromium %8.3f %s [%.3f..%.3f]   %6.1fx  (aim >= "
      "%gx: %s)\n",
      name, ms, unit, *std::min_element(s.begin(), s.end()), *std::max_element(s.begin(), s.end()),
      mc, unit, *std::min_element(c.begin(), c.end()), *std::max_element(c.begin(), c.end()), ratio,
      aim_ratio, ratio >= aim_ratio ? "met" : "NOT met");
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string key = argv[i], value = argv[i + 1];
    if (key == "--shubbak")
      o.shubbak = value;
    else if (key == "--config")
      o.config = value;
    else if (key == "--chromium")
      o.chromium = value;
    else if (key == "--page")
      o.page = fs::absolute(value);
    else if (key == "--pairs")
      o.pairs = std::clamp(std::atoi(value.c_str()), 1, 50);
    else if (key == "--idle")
      o.idle_seconds = std::clamp(std::atoi(value.c_str()), 1, 300);
    else if (key == "--shots")
      o.shots = value;
    else if (key == "--work")
      o.work = value;
    else if (key == "--tap")
      std::sscanf(value.c_str(), "%d,%d", &o.tap_x, &o.tap_y);
    else {
      std::fprintf(stderr, "vs_chromium: unknown option %s\n", key.c_str());
      return 2;
    }
  }
  if (o.shubbak.empty() || o.config.empty() || o.chromium.empty() || o.page.empty()) {
    std::fprintf(stderr,
                 "usage: bench_vs_chromium --shubbak BIN --config TOML --chromium BIN --page HTML "
                 "[--pairs N] [--idle S] [--tap X,Y] [--shots DIR] [--work DIR]\n");
    return 2;
  }
  RootScreen screen;
  if (!screen.open()) {
    std::fprintf(stderr, "vs_chromium: cannot open $DISPLAY with XDamage, XTest and XShm\n");
    return 1;
  }
  if (!o.shots.empty()) fs::create_directories(o.shots);

  std::vector<Result> shubbak, chromium;
  for (int pair = 0; pair < o.pairs; ++pair) {
    bool chromium_first = pair % 2 == 1;
    for (int k = 0; k < 2; ++k) {
      bool is_chromium = (k == 0) == chromium_first;
      Result r = run_once(o, screen, is_chromium, pair);
      if (!r.ok) return 1;
      std::fprintf(stderr,
                   "  pair %2d %-8s first frame %7.1f ms  PSS %6.1f MiB (%d processes)  idle CPU "
                   "%.4f s (%d frames)  tap %6.1f ms\n",
                   pair + 1, is_chromium ? "chromium" : "shubbak", r.first_frame_ms, r.pss,
                   r.processes, r.idle_cpu_s, r.idle_frames, r.tap_ms);
      (is_chromium ? chromium : shubbak).push_back(std::move(r));
    }
  }

  auto field = [](const std::vector<Result>& rs, double Result::*f) {
    std::vector<double> v;
    for (const auto& r : rs) v.push_back(r.*f);
    return v;
  };
  std::printf(
      "vs_chromium (%dx%d Xvfb, %d interleaved pairs; median [min..max], Chromium/Shubbak)\n",
      screen.width(), screen.height(), o.pairs);
  row("exec to first complete frame", "ms", field(shubbak, &Result::first_frame_ms),
      field(chromium, &Result::first_frame_ms), 10);
  row("PSS of the tree at 10 s", "MiB", field(shubbak, &Result::pss), field(chromium, &Result::pss),
      10);
  char idle_name[64];
  std::snprintf(idle_name, sizeof idle_name, "idle CPU over %d s", o.idle_seconds);
  row(idle_name, "s", field(shubbak, &Result::idle_cpu_s), field(chromium, &Result::idle_cpu_s),
      40);
  row("tap to complete frame", "ms", field(shubbak, &Result::tap_ms),
      field(chromium, &Result::tap_ms), 3);
  std::vector<double> frames_s, frames_c;
  for (const auto& r : shubbak) frames_s.push_back(r.idle_frames);
  for (const auto& r : chromium) frames_c.push_back(r.idle_frames);
  std::printf("  damage events while idle: shubbak median %.0f, chromium median %.0f\n",
              median(frames_s), median(frames_c));

  // Shubbak's own account of its start-up, phase by phase (median over its runs), in the
  // order the phases end.
  std::vector<std::pair<std::string, std::vector<double>>> phases;
  for (const auto& r : shubbak) {
    for (const auto& [name, ms] : r.trace) {
      auto it = std::find_if(phases.begin(), phases.end(),
                             [&name](const auto& p) { return p.first == name; });
      if (it == phases.end()) it = phases.insert(phases.end(), {name, {}});
      it->second.push_back(ms);
    }
  }
  std::printf("shubbak start-up trace (median ms per phase over %zu runs; exec = 0)\n",
              shubbak.size());
  for (const auto& [name, values] : phases)
    std::printf("  %-40s %8.2f\n", name.c_str(), median(values));
  return 0;
}
