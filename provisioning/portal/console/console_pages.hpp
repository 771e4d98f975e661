// The admin console's pages: server-rendered HTML in Arabic (right to left, the default) or
// English, one inline style sheet (allowed by its hash in the Content-Security-Policy), no
// script, nothing loaded from elsewhere. Every value that came from a kiosk or an admin is
// HTML-escaped here.
//
// Threading: pure functions, any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "provisioning/portal/console/admin_store.hpp"
#include "provisioning/portal/console/fleet_alerts.hpp"
#include "provisioning/portal/console/fleet_health.hpp"
#include "provisioning/portal/console/fleet_rollouts.hpp"

namespace shubbak::portal::console {

enum class Language { ar, en };

std::optional<Language> parse_language(std::string_view code);
std::string_view language_code(Language language);

std::string html_escape(std::string_view text);

// The one style sheet every page carries inline, for the CSP hash.
std::string_view style_sheet();

struct PageContext {
  Language language = Language::ar;
  std::string user;  // empty on the sign-in page
  AdminRole role = AdminRole::viewer;
  std::string csrf_token;
  std::string path;  // the page's path and query without lang, for the language switch
  std::int64_t now_ms = 0;
};

struct BoardFilter {
  std::optional<Health> health;
  std::string version;  // empty: any
  std::string site;     // a group named "site:…"; empty: any
  std::string group;    // any other group; empty: any
  int page = 1;         // of k_board_page_rows rows, the worst kiosks first
};

// Rows on one page of the board: enough to see every problem at once in a real fleet, few
// enough that a page of a national fleet is served and drawn quickly.
inline constexpr int k_board_page_rows = 250;

// Whether `kiosk` passes every part of `filter` but its state (the counts are of those).
bool matches_but_state(const KioskHealth& kiosk, const BoardFilter& filter);

enum class SignInProblem { none, wrong, locked, expired };

std::string render_sign_in(const PageContext& context, SignInProblem problem);
std::string render_board(const PageContext& context, const std::vector<KioskHealth>& kiosks,
                         const BoardFilter& filter, int refresh_seconds);
// `more_html`: sections from other files (refusal_pages.hpp), added at the page's end.
std::string render_kiosk(const PageContext& context, const KioskHealth& kiosk,
                         const std::vector<KioskSnapshot>& history,
                         std::string_view more_html = {});
struct IssuedToken {
  std::string kiosk_id;
  std::string token;
  int hours = 0;
  std::vector<std::string> groups;
};
std::string render_tokens(const PageContext& context, const std::optional<IssuedToken>& issued,
                          std::string_view error, const std::vector<EnrolmentTokenInfo>& tokens);
// `published`: whether the portal serves a repository; `published_problem`: why it could not be
// read, or empty.
std::string render_rollouts(const PageContext& context,
                            const std::vector<RolloutProgress>& rollouts, bool published,
                            std::string_view published_problem, int refresh_seconds);
std::string render_alerts(const PageContext& context, const std::vector<Alert>& alerts,
                          std::optional<AlertKind> kind, std::string_view published_problem,
                          int refresh_seconds);
std::string render_audit(const PageContext& context, const std::vector<AuditEntry>& entries);
enum class Refusal { forbidden, not_found, bad_request };
std::string render_refusal(const PageContext& context, Refusal refusal);

// For the pages in their own files (transaction_pages, receipt_check, refusal_pages): the frame
// every page has (header, navigation, language switch) around `body_html`, already escaped.
std::string render_page(const PageContext& context, std::string_view heading,
                        std::string_view body_html);
// A time as every page shows it: UTC, isolated from the text's direction.
std::string time_html(std::int64_t unix_ms);
// A query value, percent-encoded, for links.
std::string query_encode(std::string_view text);

}  // namespace shubbak::portal::console
