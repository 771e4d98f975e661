#include "provisioning/portal/console/console_server.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include <fmt/format.h>
#include <httplib.h>

#include "kiosk/core/hex.hpp"
#include "kiosk/crypto/bytes.hpp"
#include "kiosk/crypto/pin_hash.hpp"
#include "provisioning/portal/connection_http.hpp"
#include "provisioning/portal/console/console_pages.hpp"
#include "provisioning/portal/console/decoded_heartbeats.hpp"
#include "provisioning/portal/console/published_services.hpp"
#include "provisioning/portal/console/receipt_check.hpp"
#include "provisioning/portal/console/refusal_pages.hpp"
#include "provisioning/portal/console/transaction_pages.hpp"
#include "provisioning/portal/store_rules.hpp"

namespace shubbak::portal::console {

namespace {

// A browser's request line, headers and a sign-in or token form: a few kilobytes.
constexpr std::size_t k_max_request_bytes = 64 * 1024;
// The one form that takes a file: a receipt's picture, and the form around it.
constexpr std::string_view k_receipt_check_path = "/receipt-check";
constexpr std::size_t k_max_upload_request_bytes =
    k_max_receipt_picture_bytes + k_max_request_bytes;
constexpr int k_max_requests_per_connection = 1000;
constexpr int k_audit_page_rows = 200;
constexpr int k_token_page_rows = 200;
constexpr std::string_view k_session_cookie = "__Host-shubbak-session";
constexpr std::string_view k_language_cookie = "__Host-shubbak-lang";
// Before there is a session, the sign-in form is protected by a token of its own (login CSRF:
// another site must not sign a browser in to an account of its choosing).
constexpr std::string_view k_sign_in_cookie = "__Host-shubbak-sign-in";

std::int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string sha256_hex(std::string_view text) {
  auto digest = sha256(text);
  return to_hex(ByteView(digest.data(), digest.size()));
}

// The CSRF token of a session: derived from the session id (which only the browser holds), so
// it needs no storage and differs for every session.
std::string csrf_token_of(std::string_view session_id) {
  return sha256_hex(fmt::format("shubbak-console-csrf:{}", session_id));
}

std::string sign_in_token_of(std::string_view nonce) {
  return sha256_hex(fmt::format("shubbak-console-sign-in:{}", nonce));
}

Expected<std::string> random_hex() {
  std::array<std::uint8_t, 32> random{};
  if (auto ok = random_bytes(random); !ok) return std::unexpected(ok.error());
  return to_hex(ByteView(random.data(), random.size()));
}

class HttpStream;

// One request's worth of state, reached by the handlers on the thread that serves it.
struct RequestState {
  HttpStream* stream = nullptr;
  bool close_after = false;
  bool unread_body = false;
  Language language = Language::ar;
  bool language_chosen = false;  // ?lang= given: remember it in a cookie
  std::optional<AdminSession> session;
  std::string session_id;
  std::string address;
};

thread_local RequestState* t_request = nullptr;

// One connection of the console: each request bounded in bytes and in time.
class HttpStream final : public ConnectionStream {
 public:
  HttpStream(TlsConnection& connection, const ConnectionLimits& limits)
      : ConnectionStream(connection, limits.write_timeout), m_limits(limits) {}

  void begin_request() {
    m_deadline = Clock::now() + m_limits.header_timeout + m_limits.body_timeout;
    m_consumed = 0;
    m_budget = k_max_request_bytes;
  }
  // A signed-in upload may be larger than any other request; raised before its body is read.
  void allow_upload() { m_budget = k_max_upload_request_bytes; }

  ssize_t read(char* data, std::size_t size) override {
    if (m_consumed >= m_budget) return -1;
    ssize_t got = read_buffered(data, std::min(size, m_budget - m_consumed), m_deadline);
    if (got > 0) m_consumed += static_cast<std::size_t>(got);
    return got;
  }

 private:
  const ConnectionLimits& m_limits;
  Clock::time_point m_deadline{};
  std::size_t m_consumed = 0;
  std::size_t m_budget = k_max_request_bytes;
};

std::string cookie(const httplib::Request& q, std::string_view name) {
  std::string header = q.get_header_value("Cookie");
  std::string_view rest = header;
  while (!rest.empty()) {
    auto end = rest.find(';');
    std::string_view part = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > name.size() && part.starts_with(name) && part[name.size()] == '=')
      return std::string(part.substr(name.size() + 1));
  }
  return {};
}

httplib::Params form_of(const httplib::Request& q) {
  httplib::Params form;
  if (q.get_header_value("Content-Type").starts_with("application/x-www-form-urlencoded"))
    httplib::detail::parse_query_text(q.body, form);
  return form;
}

std::string field(const httplib::Params& form, const std::string& name) {
  auto found = form.find(name);
  return found == form.end() ? std::string() : found->second;
}

// A multipart/form-data form's fields (its files' contents among them), as form_of()'s; a
// urlencoded one as form_of() reads it.
httplib::Params upload_form_of(const httplib::Request& q) {
  if (!q.is_multipart_form_data()) return form_of(q);
  httplib::Params form;
  for (const auto& [name, part] : q.files) form.emplace(name, part.content);
  return form;
}

}  // namespace

struct ConsoleServer::Impl {
  ConsoleOptions options;
  PortalStore& portal;
  AdminStore& admins;
  Log log;
  std::unique_ptr<TlsContext> tls;
  HttpRouter http;
  std::unique_ptr<ConnectionServer> connections;
  std::string dummy_hash;  // verified against for unknown users, so they take as long
  std::string content_security_policy;
  DecodedHeartbeats decoded_heartbeats;  // the fleet's heartbeats, decoded once each

  Impl(ConsoleOptions o, PortalStore& p, AdminStore& a, Log l)
      : options(std::move(o)), portal(p), admins(a), log(std::move(l)) {}

  bool serve_connection(TlsConnection& connection) {
    HttpStream stream(connection, options.limits);
    for (int served = 0; served < k_max_requests_per_connection; ++served) {
      if (!stream.wait_for_request(Clock::now() + options.limits.idle_timeout)) return false;
      RequestState request;
      request.stream = &stream;
      request.address = connection.peer_address();
      t_request = &request;
      stream.begin_request();
      bool closed = false;
      bool ok = http.serve(stream, served + 1 == k_max_requests_per_connection, closed);
      t_request = nullptr;
      if (!ok || closed || request.close_after) return request.unread_body;
    }
    return false;
  }

  PageContext context_of(const httplib::Request& q) const {
    PageContext context;
    context.language = t_request->language;
    context.now_ms = unix_ms();
    if (t_request->session) {
      context.user = t_request->session->user;
      context.role = t_request->session->role;
      context.csrf_token = csrf_token_of(t_request->session_id);
    }
    // The same page and query, without lang: the language switch adds its own. After a POST
    // the switch leads to the page itself: cpp-httplib puts a form's fields (its CSRF token
    // among them) in params too, and they do not belong in a link.
    context.path = q.path;
    char join = '?';
    for (const auto& [name, value] : q.params) {
      if (q.method != "GET") break;
      if (name == "lang") continue;
      context.path += join + httplib::detail::encode_query_param(name) + "=" +
                      httplib::detail::encode_query_param(value);
      join = '&';
    }
    return context;
  }

  void secure_headers(httplib::Response& r) const {
    r.set_header("Content-Security-Policy", content_security_policy);
    r.set_header("X-Content-Type-Options", "nosniff");
    r.set_header("X-Frame-Options", "DENY");
    r.set_header("Referrer-Policy", "no-referrer");
    r.set_header("Cache-Control", "no-store");
    r.set_header("Strict-Transport-Security", "max-age=31536000");
    if (t_request && t_request->language_chosen) {
      r.set_header("Set-Cookie",
                   fmt::format("{}={}; Path=/; Secure; SameSite=Strict; "
                               "Max-Age=31536000",
                               k_language_cookie, language_code(t_request->language)));
    }
  }

  void send_html(httplib::Response& r, int status, const std::string& html) const {
    r.status = status;
    r.set_content(html, "text/html; charset=utf-8");
    if (status >= 400 && t_request) t_request->close_after = true;
  }

  void redirect(httplib::Response& r, const std::string& location) const {
    r.status = 303;
    r.set_header("Location", location);
    r.set_content("", "text/plain");
  }

  void audit(std::string_view user, std::string_view action, std::string_view detail) {
    AuditEntry entry{unix_ms(), std::string(user), std::string(action), std::string(detail),
                     t_request ? t_request->address : std::string()};
    if (auto ok = admins.audit(entry); !ok)
      log.error("cannot write the audit log ({} {}): {}", action, user, ok.error().describe());
  }

  void storage_failure(httplib::Response& r, const Error& error) {
    log.error("console storage: {}", error.describe());
    r.status = 503;
    r.set_content("storage unavailable", "text/plain; charset=utf-8");
    t_request->close_after = true;
  }

  // Before routing and before any body is read: the language, the session, and refusal of
  // everything but sign-in without one.
  httplib::Server::HandlerResponse screen(const httplib::Request& q, httplib::Response& r) {
    using Handled = httplib::Server::HandlerResponse;
    RequestState& state = *t_request;
    if (auto chosen = parse_language(q.get_param_value("lang"))) {
      state.language = *chosen;
      state.language_chosen = true;
    } else if (auto remembered = parse_language(cookie(q, k_language_cookie))) {
      state.language = *remembered;
    }
    secure_headers(r);
    if (q.method != "GET" && q.method != "HEAD" && q.method != "POST") {
      state.close_after = state.unread_body = true;
      send_html(r, 405, render_refusal(context_of(q), Refusal::bad_request));
      return Handled::Handled;
    }
    bool upload = q.method == "POST" && q.path == k_receipt_check_path;
    if (q.method == "POST" && q.get_header_value<std::uint64_t>("Content-Length") >
                                  (upload ? k_max_upload_request_bytes : k_max_request_bytes / 2)) {
      state.close_after = state.unread_body = true;
      send_html(r, 413, render_refusal(context_of(q), Refusal::bad_request));
      return Handled::Handled;
    }
    std::string id = cookie(q, k_session_cookie);
    if (id.size() == 64) {
      auto session = admins.session(sha256_hex(id), unix_ms());
      if (!session) {
        state.unread_body = true;
        storage_failure(r, session.error());
        return Handled::Handled;
      }
      if (*session) {
        state.session = std::move(*session);
        state.session_id = std::move(id);
      }
    }
    if (q.path == "/sign-in") return Handled::Unhandled;
    if (!state.session) {
      if (q.method == "GET" || q.method == "HEAD") {
        redirect(r, "/sign-in");
        return Handled::Handled;
      }
      state.close_after = state.unread_body = true;
      sign_in_page(q, r, 401, SignInProblem::expired);
      return Handled::Handled;
    }
    if (upload) state.stream->allow_upload();
    return Handled::Unhandled;
  }

  // A POST with a session: its form's CSRF token must be the session's.
  bool csrf_ok(const httplib::Request& q, const httplib::Params& form, httplib::Response& r) {
    if (constant_time_equal(field(form, "csrf"), csrf_token_of(t_request->session_id))) return true;
    audit(t_request->session->user, "csrf_refused", q.path);
    send_html(r, 403, render_refusal(context_of(q), Refusal::forbidden));
    return false;
  }

  // The sign-in form with its sign-in token: a random nonce in an HttpOnly cookie, and a token
  // derived from it in the form. The browser's nonce is kept while it has one: a browser loads
  // more than the page (its favicon, sent here to sign in too), and a new nonce for each would
  // leave the form on screen with a token for a cookie that is gone.
  void sign_in_page(const httplib::Request& q, httplib::Response& r, int status,
                    SignInProblem problem) {
    Expected<std::string> nonce = cookie(q, k_sign_in_cookie);
    bool well_formed = nonce->size() == 64 && std::all_of(nonce->begin(), nonce->end(), [](char c) {
                         return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                       });
    if (!well_formed) nonce = random_hex();
    if (!nonce) return storage_failure(r, nonce.error());
    r.set_header("Set-Cookie", fmt::format("{}={}; Path=/; Secure; HttpOnly; SameSite=Strict; "
                                           "Max-Age=3600",
                                           k_sign_in_cookie, *nonce));
    PageContext context = context_of(q);
    context.csrf_token = sign_in_token_of(*nonce);
    send_html(r, status, render_sign_in(context, problem));
  }

  void on_sign_in_page(const httplib::Request& q, httplib::Response& r) {
    if (t_request->session) return redirect(r, "/");
    sign_in_page(q, r, 200, SignInProblem::none);
  }

  void on_sign_in(const httplib::Request& q, httplib::Response& r) {
    auto form = form_of(q);
    std::string user = field(form, "user");
    std::string password = field(form, "password");
    std::string nonce = cookie(q, k_sign_in_cookie);
    if (nonce.size() != 64 || !constant_time_equal(field(form, "csrf"), sign_in_token_of(nonce))) {
      audit(user.substr(0, 64), "csrf_refused", q.path);
      return sign_in_page(q, r, 403, SignInProblem::none);
    }
    if (user.empty() || user.size() > 64 || password.empty() || password.size() > 1024) {
      audit(user.substr(0, 64), "sign_in_failed", "malformed");
      return sign_in_page(q, r, 401, SignInProblem::wrong);
    }
    std::int64_t now = unix_ms();
    auto account = admins.account(user);
    if (!account) return storage_failure(r, account.error());
    if (*account && (*account)->locked_until_ms > now) {
      audit(user, "sign_in_locked", "");
      return sign_in_page(q, r, 429, SignInProblem::locked);
    }
    bool matches = false;
    if (*account) {
      auto verified = verify_secret(password, (*account)->password_hash);
      matches = verified && *verified;
    } else {
      (void)verify_secret(password, dummy_hash);  // as slow as for a real account
    }
    if (!matches) {
      SignInProblem problem = SignInProblem::wrong;
      if (*account) {
        auto counted = admins.record_failed_sign_in(user, now, options.max_failed_sign_ins,
                                                    options.lockout.count() * 1000);
        if (!counted) return storage_failure(r, counted.error());
        auto after = admins.account(user);
        if (after && *after && (*after)->locked_until_ms > now) problem = SignInProblem::locked;
      }
      audit(user, "sign_in_failed", problem == SignInProblem::locked ? "now locked" : "");
      return sign_in_page(q, r, problem == SignInProblem::locked ? 429 : 401, problem);
    }
    auto random_id = random_hex();
    if (!random_id) return storage_failure(r, random_id.error());
    const std::string& id = *random_id;
    auto lifetime_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(options.session_lifetime).count();
    if (auto ok = admins.clear_failed_sign_ins(user); !ok) return storage_failure(r, ok.error());
    if (auto ok = admins.create_session(sha256_hex(id), user, now + lifetime_ms); !ok)
      return storage_failure(r, ok.error());
    audit(user, "sign_in", "");
    log.info("admin {} signed in from {}", user, t_request->address);
    r.set_header("Set-Cookie",
                 fmt::format("{}={}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age={}",
                             k_session_cookie, id, lifetime_ms / 1000));
    r.set_header("Set-Cookie", fmt::format("{}=; Path=/; Secure; HttpOnly; SameSite=Strict; "
                                           "Max-Age=0",
                                           k_sign_in_cookie));
    redirect(r, "/");
  }

  void on_sign_out(const httplib::Request& q, httplib::Response& r) {
    auto form = form_of(q);
    if (!csrf_ok(q, form, r)) return;
    if (auto ok = admins.delete_session(sha256_hex(t_request->session_id)); !ok)
      return storage_failure(r, ok.error());
    audit(t_request->session->user, "sign_out", "");
    r.set_header("Set-Cookie", fmt::format("{}=; Path=/; Secure; HttpOnly; SameSite=Strict; "
                                           "Max-Age=0",
                                           k_session_cookie));
    redirect(r, "/sign-in");
  }

  // Every kiosk as the store holds it, and judged now.
  struct Fleet {
    std::vector<KioskSnapshot> snapshots;
    std::vector<KioskHealth> kiosks;
    std::int64_t now_ms = 0;
  };
  Expected<Fleet> fleet_now() {
    auto snapshots = portal.kiosks();
    if (!snapshots) return std::unexpected(snapshots.error());
    Fleet fleet{std::move(*snapshots), {}, unix_ms()};
    fleet.kiosks.reserve(fleet.snapshots.size());
    for (const auto& snapshot : fleet.snapshots) {
      auto decoded = decoded_heartbeats.of(snapshot);
      fleet.kiosks.push_back(assess(snapshot, decoded.get(), fleet.now_ms, options.health));
    }
    return fleet;
  }
  void on_board(const httplib::Request& q, httplib::Response& r) {
    BoardFilter filter;
    std::string state = q.get_param_value("state");
    for (Health health : {Health::green, Health::amber, Health::red})
      if (state == health_name(health)) filter.health = health;
    filter.version = q.get_param_value("version");
    filter.site = q.get_param_value("site");
    filter.group = q.get_param_value("group");
    std::string page = q.get_param_value("page");
    std::from_chars(page.data(), page.data() + page.size(), filter.page);
    auto fleet = fleet_now();
    if (!fleet) return storage_failure(r, fleet.error());
    send_html(r, 200, render_board(context_of(q), fleet->kiosks, filter, options.refresh_seconds));
  }

  void on_kiosk(const httplib::Request& q, httplib::Response& r) {
    std::string id = q.get_param_value("id");
    auto snapshots = portal.kiosks();
    if (!snapshots) return storage_failure(r, snapshots.error());
    auto snapshot = std::find_if(snapshots->begin(), snapshots->end(),
                                 [&](const KioskSnapshot& k) { return k.kiosk_id == id; });
    if (snapshot == snapshots->end())
      return send_html(r, 404, render_refusal(context_of(q), Refusal::not_found));
    // Only this kiosk is judged: its page needs nothing of the rest of the fleet.
    auto decoded = decoded_heartbeats.of(*snapshot);
    auto found = std::make_optional(assess(*snapshot, decoded.get(), unix_ms(), options.health));
    auto history = portal.heartbeat_history(id, 20);
    if (!history) return storage_failure(r, history.error());
    auto refused = portal.refusals(id, k_kiosk_refusal_rows);
    if (!refused) return storage_failure(r, refused.error());
    PageContext context = context_of(q);
    send_html(r, 200,
              render_kiosk(context, *found, *history, kiosk_refusals_section(context, *refused)));
  }

  // The tokens page, with the tokens issued so far.
  void tokens_page(const httplib::Request& q, httplib::Response& r, int status,
                   const std::optional<IssuedToken>& issued, std::string_view error) {
    auto tokens = portal.enrolment_tokens(k_token_page_rows);
    if (!tokens) return storage_failure(r, tokens.error());
    send_html(r, status, render_tokens(context_of(q), issued, error, *tokens));
  }

  void on_tokens_page(const httplib::Request& q, httplib::Response& r) {
    tokens_page(q, r, 200, std::nullopt, "");
  }

  void on_revoke_token(const httplib::Request& q, httplib::Response& r) {
    auto form = form_of(q);
    if (!csrf_ok(q, form, r)) return;
    const AdminSession& session = *t_request->session;
    if (session.role != AdminRole::operator_role) {
      audit(session.user, "token_revoke_refused", "viewer role");
      return send_html(r, 403, render_refusal(context_of(q), Refusal::forbidden));
    }
    std::string id = field(form, "id");
    auto revoked = portal.revoke_enrolment_token(id);
    if (!revoked) {
      Errc code = revoked.error().code;
      if (code != Errc::not_found && code != Errc::integrity)
        return storage_failure(r, revoked.error());
      audit(session.user, "token_revoke_refused", id.substr(0, k_token_id_digits));
      return tokens_page(q, r, code == Errc::not_found ? 404 : 409, std::nullopt,
                         revoked.error().message);
    }
    audit(session.user, "token_revoked", fmt::format("{} {}", revoked->id, revoked->kiosk_id));
    log.info("admin {} revoked enrolment token {} for {}", session.user, revoked->id,
             revoked->kiosk_id);
    redirect(r, "/tokens");
  }

  // The bundles the portal publishes (none without --static); `problem` says why they could not
  // be read.
  std::vector<PublishedBundle> published_bundles(std::string& problem) {
    if (options.published_dir.empty()) return {};
    auto read = read_published_bundles(options.published_dir);
    if (read) return std::move(*read);
    problem = read.error().message;
    log.warn("the published repository: {}", read.error().describe());
    return {};
  }

  void on_alerts(const httplib::Request& q, httplib::Response& r) {
    std::optional<AlertKind> kind = parse_alert_kind(q.get_param_value("kind"));
    auto fleet = fleet_now();
    if (!fleet) return storage_failure(r, fleet.error());
    std::string problem;
    auto published = published_bundles(problem);
    AlertRules rules = options.alerts;
    rules.offline_after = options.health.offline_after;
    auto alerts = fleet_alerts(fleet->snapshots, fleet->kiosks, published, fleet->now_ms, rules);
    auto rollouts =
        rollout_progress(published, fleet->kiosks, fleet->now_ms / 1000, options.rollouts);
    for (auto& alert : rollout_alerts(rollouts)) alerts.push_back(std::move(alert));
    send_html(r, 200, render_alerts(context_of(q), alerts, kind, problem, options.refresh_seconds));
  }

  void on_rollouts(const httplib::Request& q, httplib::Response& r) {
    auto fleet = fleet_now();
    if (!fleet) return storage_failure(r, fleet.error());
    std::string problem;
    auto published = published_bundles(problem);
    auto rollouts =
        rollout_progress(published, fleet->kiosks, fleet->now_ms / 1000, options.rollouts);
    send_html(r, 200,
              render_rollouts(context_of(q), rollouts, !options.published_dir.empty(), problem,
                              options.refresh_seconds));
  }

  void on_issue_token(const httplib::Request& q, httplib::Response& r) {
    auto form = form_of(q);
    if (!csrf_ok(q, form, r)) return;
    const AdminSession& session = *t_request->session;
    if (session.role != AdminRole::operator_role) {
      audit(session.user, "token_refused", "viewer role");
      return send_html(r, 403, render_refusal(context_of(q), Refusal::forbidden));
    }
    std::string kiosk_id = field(form, "kiosk_id");
    std::string hours_text = field(form, "hours");
    int hours = 24;
    if (!hours_text.empty()) {
      auto [end, ec] =
          std::from_chars(hours_text.data(), hours_text.data() + hours_text.size(), hours);
      if (ec != std::errc() || end != hours_text.data() + hours_text.size() || hours < 1 ||
          hours > 720)
        return tokens_page(q, r, 400, std::nullopt, "1–720");
    }
    std::vector<std::string> groups = split_groups(field(form, "groups"));
    auto token = portal.issue_enrolment_token(kiosk_id, std::chrono::hours(hours), groups);
    if (!token) {
      if (token.error().code != Errc::invalid_argument) return storage_failure(r, token.error());
      audit(session.user, "token_refused", kiosk_id.substr(0, 64));
      return tokens_page(q, r, 400, std::nullopt, token.error().message);
    }
    audit(session.user, "token_issued", fmt::format("{} [{}]", kiosk_id, join_groups(groups)));
    log.info("admin {} issued an enrolment token for {} in groups [{}]", session.user, kiosk_id,
             join_groups(groups));
    tokens_page(q, r, 200, IssuedToken{kiosk_id, *token, hours, groups}, "");
  }

  // Any signed-in admin may look a transaction up: it changes nothing.
  void on_transaction(const httplib::Request& q, httplib::Response& r) {
    if (!q.has_param("ref")) return send_html(r, 200, render_transaction_lookup(context_of(q), {}));
    auto lookup = look_up_transaction(portal, q.get_param_value("ref"), q.get_param_value("kiosk"));
    if (!lookup) return storage_failure(r, lookup.error());
    send_html(r, lookup->outcome == LookupOutcome::found ? 200 : 404,
              render_transaction_lookup(context_of(q), *lookup));
  }

  void on_receipt_check_page(const httplib::Request& q, httplib::Response& r) {
    send_html(r, 200, render_receipt_check(context_of(q), std::nullopt));
  }

  // An admin action: what was checked and the verdict go to the audit log.
  void on_receipt_check(const httplib::Request& q, httplib::Response& r) {
    auto form = upload_form_of(q);
    if (!csrf_ok(q, form, r)) return;
    std::string picture = field(form, "picture");
    if (picture.size() > k_max_receipt_picture_bytes)
      return send_html(r, 413, render_refusal(context_of(q), Refusal::bad_request));
    auto check = check_receipt(portal, field(form, "seal"), picture);
    if (!check) return storage_failure(r, check.error());
    const auto& facts = check->seal.facts;
    audit(t_request->session->user, "receipt_verified",
          fmt::format("{} {} {}", receipts::verdict_name(check->seal.verdict),
                      facts ? facts->kiosk_id : std::string("-"),
                      facts ? facts->transaction_id : std::string("-")));
    send_html(r, 200, render_receipt_check(context_of(q), *check));
  }

  void on_refusals(const httplib::Request& q, httplib::Response& r) {
    auto refused = portal.refusals({}, k_refusal_page_rows);
    if (!refused) return storage_failure(r, refused.error());
    send_html(r, 200, render_refusals(context_of(q), *refused));
  }

  void on_audit(const httplib::Request& q, httplib::Response& r) {
    auto entries = admins.audit_log(k_audit_page_rows);
    if (!entries) return storage_failure(r, entries.error());
    send_html(r, 200, render_audit(context_of(q), *entries));
  }
};

ConsoleServer::ConsoleServer(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
ConsoleServer::~ConsoleServer() {
  stop();
}

Expected<std::unique_ptr<ConsoleServer>> ConsoleServer::start(ConsoleOptions options,
                                                              PortalStore& portal,
                                                              AdminStore& admins, Log log) {
  auto impl = std::make_unique<Impl>(std::move(options), portal, admins, std::move(log));
  Impl& s = *impl;
  // A client certificate is never required here: admins are people with passwords.
  auto tls = TlsContext::create(s.options.cert, s.options.key, s.options.client_ca,
                                /*require_client_certificate=*/false);
  if (!tls) return std::unexpected(tls.error());
  s.tls = std::move(*tls);
  auto dummy = hash_secret("no such admin account");
  if (!dummy) return std::unexpected(dummy.error());
  s.dummy_hash = std::move(*dummy);
  auto style_hash = sha256(style_sheet());
  s.content_security_policy = fmt::format(
      "default-src 'none'; style-src 'sha256-{}'; img-src 'self'; form-action 'self'; "
      "frame-ancestors 'none'; base-uri 'none'",
      base64_encode(style_hash));

  s.http.set_pre_routing_handler(
      [&s](const httplib::Request& q, httplib::Response& r) { return s.screen(q, r); });
  s.http.set_error_handler([&s](const httplib::Request& q, httplib::Response& r) {
    if (r.body.empty()) {
      s.secure_headers(r);
      r.set_content(render_refusal(s.context_of(q),
                                   r.status == 404 ? Refusal::not_found : Refusal::bad_request),
                    "text/html; charset=utf-8");
    }
    if (t_request) t_request->close_after = true;
  });
  // The largest body any route takes; the others are held to theirs by screen() and HttpStream.
  s.http.set_payload_max_length(k_max_upload_request_bytes);
  auto get = [&s](const char* path,
                  void (Impl::*handler)(const httplib::Request&, httplib::Response&)) {
    s.http.Get(path, [&s, handler](const httplib::Request& q, httplib::Response& r) {
      (s.*handler)(q, r);
    });
  };
  auto post = [&s](const char* path,
                   void (Impl::*handler)(const httplib::Request&, httplib::Response&)) {
    s.http.Post(path, [&s, handler](const httplib::Request& q, httplib::Response& r) {
      (s.*handler)(q, r);
    });
  };
  get("/sign-in", &Impl::on_sign_in_page);
  post("/sign-in", &Impl::on_sign_in);
  post("/sign-out", &Impl::on_sign_out);
  get("/", &Impl::on_board);
  get("/kiosk", &Impl::on_kiosk);
  get("/tokens", &Impl::on_tokens_page);
  post("/tokens", &Impl::on_issue_token);
  post("/tokens/revoke", &Impl::on_revoke_token);
  get("/alerts", &Impl::on_alerts);
  get("/rollouts", &Impl::on_rollouts);
  get("/audit", &Impl::on_audit);
  get("/transaction", &Impl::on_transaction);
  get("/receipt-check", &Impl::on_receipt_check_page);
  post("/receipt-check", &Impl::on_receipt_check);
  get("/refusals", &Impl::on_refusals);

  auto connections = ConnectionServer::start(
      s.options.host, s.options.port, s.options.limits, *s.tls,
      [&s](TlsConnection& connection) { return s.serve_connection(connection); },
      s.log.child("net"));
  if (!connections) return std::unexpected(connections.error());
  s.connections = std::move(*connections);
  return std::unique_ptr<ConsoleServer>(new ConsoleServer(std::move(impl)));
}

int ConsoleServer::port() const {
  return m_impl->connections->port();
}

void ConsoleServer::stop() {
  if (!m_impl || !m_impl->connections) return;
  m_impl->connections->stop();
}

}  // namespace shubbak::portal::console
