#include "provisioning/portal/console/console_pages.hpp"
#include "provisioning/portal/console/page_text.hpp"

#include <algorithm>
#include <ctime>
#include <map>

#include <fmt/format.h>

namespace shubbak::portal::console {

namespace {

// Every text of the console in both languages (PageText, page_text.hpp, as the pages kept in
// files of their own use).

constexpr PageText k_title{"شبّاك — لوحة الأسطول", "Shubbak — fleet console"};
constexpr PageText k_board{"الأسطول", "Fleet"};
constexpr PageText k_tokens{"رموز التسجيل", "Enrolment tokens"};
constexpr PageText k_audit{"سجل التدقيق", "Audit log"};
constexpr PageText k_lookup{"المعاملات", "Transactions"};
constexpr PageText k_verify_receipt{"التحقق من إيصال", "Verify a receipt"};
constexpr PageText k_refusals{"المرفوضة", "Refused"};
constexpr PageText k_sign_out{"تسجيل الخروج", "Sign out"};
constexpr PageText k_sign_in{"تسجيل الدخول", "Sign in"};
constexpr PageText k_user{"اسم المستخدم", "User name"};
constexpr PageText k_password{"كلمة المرور", "Password"};
constexpr PageText k_wrong{"اسم المستخدم أو كلمة المرور غير صحيحة.",
                           "Wrong user name or password."};
constexpr PageText k_locked{"الحساب مقفل مؤقتًا بعد محاولات فاشلة متكررة. حاول لاحقًا.",
                            "The account is locked for a while after repeated failed sign-ins. "
                            "Try again later."};
constexpr PageText k_expired{"انتهت الجلسة. سجّل الدخول مرة أخرى.",
                             "Your session has ended. Sign in again."};
constexpr PageText k_green{"يعمل", "Working"};
constexpr PageText k_amber{"يحتاج انتباهًا", "Needs attention"};
constexpr PageText k_red{"متوقف", "Down"};
constexpr PageText k_all{"الكل", "All"};
constexpr PageText k_state{"الحالة", "State"};
constexpr PageText k_version{"الإصدار", "Version"};
constexpr PageText k_filter{"تصفية", "Filter"};
constexpr PageText k_kiosk{"الكشك", "Kiosk"};
constexpr PageText k_last_heartbeat{"آخر نبضة", "Last heartbeat"};
constexpr PageText k_never{"لم تصل أي نبضة", "never"};
constexpr PageText k_queue{"طابور الإرسال", "Queue"};
constexpr PageText k_quarantined{"المعزولة", "Quarantined"};
constexpr PageText k_reasons{"الأسباب", "Reasons"};
constexpr PageText k_no_kiosks{"لا توجد أكشاك.", "No kiosks."};
constexpr PageText k_refreshes{"تتحدث الصفحة تلقائيًا (كل {} ث).",
                               "This page refreshes itself (every {} s)."};
constexpr PageText k_uptime{"مدة التشغيل", "Uptime"};
constexpr PageText k_devices{"الأجهزة", "Devices"};
constexpr PageText k_device{"الجهاز", "Device"};
constexpr PageText k_status{"الحالة", "Status"};
constexpr PageText k_oldest_pending{"عمر أقدم معاملة لم تُرسل", "Oldest pending transaction"};
constexpr PageText k_out_of_service{"سبب التوقف عن الخدمة", "Out-of-service reason"};
constexpr PageText k_none{"—", "—"};
constexpr PageText k_recent{"النبضات الأخيرة", "Recent heartbeats"};
constexpr PageText k_received{"وصلت", "Received"};
constexpr PageText k_seconds{"{} ث", "{} s"};
constexpr PageText k_issue{"إصدار رمز", "Issue a token"};
constexpr PageText k_kiosk_id{"معرّف الكشك", "Kiosk id"};
constexpr PageText k_hours{"الصلاحية بالساعات", "Valid for (hours)"};
constexpr PageText k_issued{
    "رمز التسجيل للكشك {} (صالح {} ساعة، لمرة واحدة). انسخه الآن: لن يظهر مرة أخرى.",
    "Enrolment token for kiosk {} (valid {} hours, once). Copy it now: it "
    "will not be shown again."};
constexpr PageText k_viewer_only{"دورك «مشاهد»: إصدار الرموز للمشغّلين فقط.",
                                 "Your role is viewer: only operators issue tokens."};
constexpr PageText k_token_refused{"تعذّر إصدار الرمز: ", "The token was not issued: "};
constexpr PageText k_when{"الوقت", "When"};
constexpr PageText k_who{"المستخدم", "Who"};
constexpr PageText k_action{"الإجراء", "Action"};
constexpr PageText k_detail{"التفاصيل", "Detail"};
constexpr PageText k_address{"العنوان", "Address"};
constexpr PageText k_forbidden{"ليست لديك صلاحية لهذا الإجراء.", "You are not allowed to do this."};
constexpr PageText k_not_found{"الصفحة غير موجودة.", "No such page."};
constexpr PageText k_bad_request{"طلب غير صالح.", "Bad request."};
constexpr PageText k_signed_in_as{"المستخدم: ", "Signed in as "};
constexpr PageText k_role_viewer{"مشاهد", "viewer"};
constexpr PageText k_role_operator{"مشغّل", "operator"};
constexpr PageText k_alerts{"التنبيهات", "Alerts"};
constexpr PageText k_site{"الموقع", "Site"};
constexpr PageText k_group{"المجموعة", "Group"};
constexpr PageText k_groups{"المجموعات", "Groups"};
constexpr PageText k_groups_hint{"المجموعات (مفصولة بمسافات، مثل site:riyadh-olaya pilot)",
                                 "Groups (separated by spaces, e.g. site:riyadh-olaya pilot)"};
constexpr PageText k_no_alerts{"لا تنبيهات: كل الأكشاك بخير.", "No alerts: every kiosk is well."};
constexpr PageText k_problem{"المشكلة", "Problem"};
constexpr PageText k_since{"آخر نبضة", "Last heartbeat"};
constexpr PageText k_kind{"النوع", "Kind"};
constexpr PageText k_published_unknown{"تعذّرت قراءة الخدمات المنشورة، فلا مقارنة للإصدارات: ",
                                       "The published services could not be read, so versions are "
                                       "not compared: "};
constexpr PageText k_issued_tokens{"الرموز الصادرة", "Tokens issued"};
constexpr PageText k_token_id{"المعرّف", "Id"};
constexpr PageText k_issued_at{"صدر", "Issued"};
constexpr PageText k_expires{"ينتهي", "Expires"};
constexpr PageText k_token_waiting{"لم يُستخدم", "unused"};
constexpr PageText k_token_used{"استُخدم", "used"};
constexpr PageText k_token_expired{"انتهت صلاحيته", "expired"};
constexpr PageText k_token_revoked{"أُلغي", "revoked"};
constexpr PageText k_revoke{"إلغاء", "Revoke"};
constexpr PageText k_showing{"{} من {} كشكًا، الأسوأ حالًا أولًا.",
                             "{} of {} kiosks, the worst first."};
constexpr PageText k_previous{"السابقة", "Previous"};
constexpr PageText k_next{"التالية", "Next"};
constexpr PageText k_restart_cause{"كيف انتهى التشغيل السابق", "How the previous run ended"};
constexpr PageText k_free_disk{"المساحة الحرة", "Free disk"};
constexpr PageText k_clock_offset{"فرق ساعة الكشك", "Kiosk clock offset"};
constexpr PageText k_services{"الخدمات المثبتة", "Installed services"};
constexpr PageText k_generation{"الجيل", "generation"};
constexpr PageText k_service{"الخدمة", "Service"};
constexpr PageText k_rollouts{"النشر المرحلي", "Rollouts"};
constexpr PageText k_no_rollouts{
    "لا نشر مرحليًا الآن: كل خدمة منشورة متاحة لكل الأكشاك.",
    "No staged rollout now: every published service is for every kiosk."};
constexpr PageText k_no_repository{"لا ينشر هذا البوابة مستودع خدمات (الخيار --static).",
                                   "This portal publishes no service repository (--static)."};
constexpr PageText k_wave{"الموجة", "Wave"};
constexpr PageText k_share{"النسبة", "Share"};
constexpr PageText k_opens{"تُفتح", "Opens"};
constexpr PageText k_open{"مفتوحة", "open"};
constexpr PageText k_not_yet{"لم تُفتح", "not yet"};
constexpr PageText k_kiosks{"الأكشاك", "Kiosks"};
constexpr PageText k_updated{"حُدّثت", "Updated"};
constexpr PageText k_waiting{"تنتظر", "Waiting"};
constexpr PageText k_failed{"رفضت", "Refused"};
constexpr PageText k_unreported{"لم تُبلغ", "Not reported"};
constexpr PageText k_halted{"موقوف", "halted"};
constexpr PageText k_every_kiosk{"كل الأكشاك", "every kiosk"};
constexpr PageText k_outside{"خارج المجموعات", "Outside the groups"};
constexpr PageText k_target{"الهدف", "Target"};
constexpr PageText k_no_tokens{"لم يصدر أي رمز بعد.", "No token issued yet."};

const std::map<HealthReason, PageText>& reason_texts() {
  static const std::map<HealthReason, PageText> texts = {
      {HealthReason::never_heard, {"لم تصل أي نبضة", "no heartbeat yet"}},
      {HealthReason::offline, {"انقطعت النبضات", "heartbeats stopped"}},
      {HealthReason::out_of_service, {"خارج الخدمة", "out of service"}},
      {HealthReason::device_fault, {"عطل في جهاز", "a device is not ok"}},
      {HealthReason::quarantined, {"معاملات معزولة", "quarantined transactions"}},
      {HealthReason::queue_stale, {"الطابور لا يُفرَّغ", "queue not draining"}},
      {HealthReason::unreadable_heartbeat, {"نبضة غير مقروءة", "unreadable heartbeat"}},
  };
  return texts;
}

// A bundle's rollout state as a kiosk reports it (kiosk/sync/portal_protocol.hpp), in words;
// null for a state this console does not know (shown as it came).
const PageText* rollout_state_text(std::string_view state) {
  static const std::map<std::string, PageText, std::less<>> texts = {
      {"installed", {"مثبّتة", "installed"}},
      {"waiting", {"تنتظر موجتها", "waiting for its wave"}},
      {"halted", {"النشر موقوف", "rollout halted"}},
      {"not_in_groups", {"ليست لمجموعاته", "not for its groups"}},
      {"refused", {"رُفضت", "refused"}},
  };
  auto found = texts.find(state);
  return found == texts.end() ? nullptr : &found->second;
}

const PageText& alert_text(AlertKind kind) {
  static const std::map<AlertKind, PageText> texts = {
      {AlertKind::offline, {"لا نبضات", "offline"}},
      {AlertKind::paper, {"الورق منخفض أو نفد أو عالق", "paper low, out or jammed"}},
      {AlertKind::queue_growing, {"طابور الإرسال يكبر", "queue keeps growing"}},
      {AlertKind::quarantined, {"معاملات معزولة", "quarantined transactions"}},
      {AlertKind::clock_skew, {"ساعة الكشك منحرفة", "clock skew"}},
      {AlertKind::services_behind, {"خدمات أقدم من المنشورة", "services behind the published set"}},
      {AlertKind::rollout_failing, {"موجة نشر متعثرة", "rollout wave failing"}},
  };
  return texts.at(kind);
}

const std::map<std::string, PageText>& action_texts() {
  static const std::map<std::string, PageText> texts = {
      {"sign_in", {"تسجيل دخول", "signed in"}},
      {"sign_in_failed", {"محاولة دخول فاشلة", "failed sign-in"}},
      {"sign_in_locked", {"دخول مرفوض (حساب مقفل)", "sign-in refused (locked)"}},
      {"sign_out", {"تسجيل خروج", "signed out"}},
      {"token_issued", {"إصدار رمز تسجيل", "enrolment token issued"}},
      {"token_refused", {"رفض إصدار رمز", "enrolment token refused"}},
      {"token_revoked", {"إلغاء رمز تسجيل", "enrolment token revoked"}},
      {"token_revoke_refused", {"رفض إلغاء رمز", "enrolment token not revoked"}},
      {"csrf_refused", {"طلب مرفوض (رمز CSRF غير صحيح)", "request refused (bad CSRF token)"}},
      {"receipt_verified", {"تحقق من إيصال", "receipt verified"}},
  };
  return texts;
}

class Page {
 public:
  explicit Page(const PageContext& context) : m_context(context) {}

  std::string_view t(const PageText& text) const {
    return m_context.language == Language::ar ? text.ar : text.en;
  }
  std::string e(std::string_view text) const { return html_escape(text); }
  std::string et(const PageText& text) const { return html_escape(t(text)); }

  void add(std::string_view html) { m_body += html; }

  std::string finish(std::string_view heading, int refresh_seconds = 0) const {
    bool ar = m_context.language == Language::ar;
    std::string html;
    html +=
        fmt::format("<!DOCTYPE html>\n<html lang=\"{}\" dir=\"{}\"><head><meta charset=\"utf-8\">",
                    ar ? "ar" : "en", ar ? "rtl" : "ltr");
    html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
    if (refresh_seconds > 0)
      html += fmt::format("<meta http-equiv=\"refresh\" content=\"{}\">", refresh_seconds);
    html += fmt::format("<title>{} · {}</title><style>{}</style></head><body>",
                        html_escape(heading), et(k_title), style_sheet());
    html += "<header><strong>" + et(k_title) + "</strong><nav>";
    if (!m_context.user.empty()) {
      html += fmt::format(
          "<a href=\"/\">{}</a><a href=\"/alerts\">{}</a><a href=\"/rollouts\">{}</a>"
          "<a href=\"/tokens\">{}</a><a href=\"/audit\">{}</a>",
          et(k_board), et(k_alerts), et(k_rollouts), et(k_tokens), et(k_audit));
      html += fmt::format(
          "<a href=\"/transaction\">{}</a><a href=\"/receipt-check\">{}</a>"
          "<a href=\"/refusals\">{}</a>",
          et(k_lookup), et(k_verify_receipt), et(k_refusals));
    }
    // The language switch keeps the page it is on.
    std::string_view path = m_context.path.empty() ? std::string_view("/") : m_context.path;
    char join = path.find('?') == std::string_view::npos ? '?' : '&';
    html += fmt::format("<a id=\"lang\" href=\"{}{}lang={}\" lang=\"{}\">{}</a>", html_escape(path),
                        join, ar ? "en" : "ar", ar ? "en" : "ar", ar ? "English" : "العربية");
    html += "</nav>";
    if (!m_context.user.empty()) {
      html += fmt::format(
          "<form method=\"post\" action=\"/sign-out\" class=\"inline\"><span>{}{} ({})</span>"
          "<input type=\"hidden\" name=\"csrf\" value=\"{}\"><button id=\"sign-out\">{}</button>"
          "</form>",
          et(k_signed_in_as), e(m_context.user),
          et(m_context.role == AdminRole::operator_role ? k_role_operator : k_role_viewer),
          e(m_context.csrf_token), et(k_sign_out));
    }
    html += "</header><main><h1>" + html_escape(heading) + "</h1>";
    html += m_body;
    html += "</main></body></html>\n";
    return html;
  }

  std::string time_text(std::int64_t ms) const {
    std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char text[40];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &tm);
    return fmt::format("<bdi>{}</bdi>", text);
  }
  std::string seconds_text(std::int64_t seconds) const {
    return "<bdi>" + html_escape(fmt::format(fmt::runtime(t(k_seconds)), seconds)) + "</bdi>";
  }
  std::string health_badge(Health health) const {
    const PageText& text =
        health == Health::green ? k_green : (health == Health::amber ? k_amber : k_red);
    return fmt::format("<span class=\"badge {}\">{}</span>", health_name(health), et(text));
  }
  std::string reasons_text(const KioskHealth& kiosk) const {
    std::string text;
    for (auto reason : kiosk.reasons) {
      if (!text.empty()) text += "، ";
      text += et(reason_texts().at(reason));
    }
    return text;
  }

  const PageContext& context() const { return m_context; }

 private:
  const PageContext& m_context;
  std::string m_body;
};

// A query value: everything but unreserved characters percent-encoded.
std::string url_encode(std::string_view text) {
  std::string out;
  for (char c : text) {
    bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out += c;
    } else {
      out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    }
  }
  return out;
}

bool is_site(std::string_view group) {
  return group.starts_with("site:");
}

std::string groups_text(const Page& page, const std::vector<std::string>& groups) {
  std::string text;
  for (const auto& group : groups) {
    if (!text.empty()) text += " ";
    text += "<bdi dir=\"ltr\" class=\"group\">" + page.e(group) + "</bdi>";
  }
  return text;
}

std::string age_since(const Page& page, std::int64_t now_ms, std::optional<std::int64_t> at_ms) {
  if (!at_ms) return page.et(k_never);
  return page.time_text(*at_ms) + " (" + page.seconds_text((now_ms - *at_ms) / 1000) + ")";
}

}  // namespace

std::optional<Language> parse_language(std::string_view code) {
  if (code == "ar") return Language::ar;
  if (code == "en") return Language::en;
  return std::nullopt;
}

std::string_view language_code(Language language) {
  return language == Language::ar ? "ar" : "en";
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string_view style_sheet() {
  // Logical properties (margin-inline-start, text-align: start) mirror by themselves in RTL.
  return "body{font-family:'Noto Naskh Arabic','Noto Sans Arabic','Noto Sans',sans-serif;"
         "margin:0;background:#f4f5f7;color:#1d2430}"
         "header{display:flex;flex-wrap:wrap;gap:1em;align-items:center;padding:.6em 1em;"
         "background:#0b5c4a;color:#fff}"
         "header "
         "a{color:#fff;margin-inline-end:1em;white-space:nowrap;display:inline-block}nav{flex:1}"
         "main{padding:1em 1.5em}h1{font-size:1.4em}"
         "table{border-collapse:collapse;background:#fff;width:100%;margin-bottom:1em}"
         "th,td{border:1px solid #d0d4da;padding:.35em .6em;text-align:start}"
         "th{background:#e8ebef}"
         ".badge{display:inline-block;padding:.1em .6em;border-radius:.8em;font-weight:bold}"
         ".green{background:#d3f2dc;color:#0e5a24}.amber{background:#fdebc8;color:#7a4a00}"
         ".red{background:#f9d2d2;color:#8a1010}"
         ".counts span,.counts a{margin-inline-end:1em}.counts a.chosen{font-weight:bold}"
         "form.inline{display:inline}form.box{background:#fff;padding:1em;max-width:28em}"
         "form.filters label{display:inline-block;margin-inline-end:1em}"
         "label{display:block;margin:.4em 0}input,select,button{font:inherit;padding:.2em .4em}"
         ".token{font-family:monospace;font-size:1.3em;background:#fff;padding:.4em;"
         "direction:ltr;unicode-bidi:isolate}"
         ".error{color:#8a1010;font-weight:bold}"
         ".nowrap{white-space:nowrap}";
}

std::string render_sign_in(const PageContext& context, SignInProblem problem) {
  Page page(context);
  if (problem == SignInProblem::wrong) page.add("<p class=\"error\">" + page.et(k_wrong) + "</p>");
  if (problem == SignInProblem::locked)
    page.add("<p class=\"error\">" + page.et(k_locked) + "</p>");
  if (problem == SignInProblem::expired) page.add("<p>" + page.et(k_expired) + "</p>");
  page.add(fmt::format(
      "<form method=\"post\" action=\"/sign-in\" class=\"box\">"
      "<input type=\"hidden\" name=\"csrf\" value=\"{}\">"
      "<label>{}<br><input name=\"user\" id=\"user\" autocomplete=\"username\" required></label>"
      "<label>{}<br><input name=\"password\" id=\"password\" type=\"password\" "
      "autocomplete=\"current-password\" required></label>"
      "<button id=\"sign-in\">{}</button></form>",
      page.e(context.csrf_token), page.et(k_user), page.et(k_password), page.et(k_sign_in)));
  return page.finish(page.t(k_sign_in));
}

bool matches_but_state(const KioskHealth& kiosk, const BoardFilter& filter) {
  auto in = [&](const std::string& group) {
    return std::find(kiosk.groups.begin(), kiosk.groups.end(), group) != kiosk.groups.end();
  };
  if (!filter.version.empty() && (!kiosk.heartbeat || kiosk.heartbeat->version != filter.version))
    return false;
  if (!filter.site.empty() && !in(filter.site)) return false;
  if (!filter.group.empty() && !in(filter.group)) return false;
  return true;
}

std::string render_board(const PageContext& context, const std::vector<KioskHealth>& kiosks,
                         const BoardFilter& filter, int refresh_seconds) {
  Page page(context);
  // The counts are of the kiosks the other filters leave, so that the state filter narrows
  // what they say; the choices list every value in the fleet, with how many kiosks have it.
  int counts[3] = {0, 0, 0};
  std::map<std::string, int> versions, sites, groups;
  for (const auto& kiosk : kiosks) {
    if (matches_but_state(kiosk, filter)) ++counts[static_cast<int>(kiosk.health)];
    if (kiosk.heartbeat) ++versions[kiosk.heartbeat->version];
    for (const auto& group : kiosk.groups) ++(is_site(group) ? sites : groups)[group];
  }
  page.add("<p class=\"counts\" id=\"counts\">");
  for (Health health : {Health::green, Health::amber, Health::red}) {
    page.add(fmt::format("<span>{} <bdi id=\"count-{}\">{}</bdi></span>", page.health_badge(health),
                         health_name(health), counts[static_cast<int>(health)]));
  }
  page.add("</p>");
  // The filters: a GET form, so a filtered board is a link and refreshes as it is.
  page.add(
      fmt::format("<form method=\"get\" action=\"/\" class=\"filters\"><label class=\"inline\">{} "
                  "<select name=\"state\"><option value=\"\">{}</option>",
                  page.et(k_state), page.et(k_all)));
  for (Health health : {Health::green, Health::amber, Health::red}) {
    const PageText& text =
        health == Health::green ? k_green : (health == Health::amber ? k_amber : k_red);
    page.add(fmt::format("<option value=\"{}\"{}>{}</option>", health_name(health),
                         filter.health == health ? " selected" : "", page.et(text)));
  }
  page.add("</select></label> ");
  auto choice = [&](std::string_view name, const PageText& label,
                    const std::map<std::string, int>& all, const std::string& chosen) {
    page.add(
        fmt::format("<label class=\"inline\">{} <select name=\"{}\"><option value=\"\">{}"
                    "</option>",
                    page.et(label), name, page.et(k_all)));
    for (const auto& [value, count] : all) {
      page.add(fmt::format("<option value=\"{0}\"{1} dir=\"ltr\">{0} ({2})</option>", page.e(value),
                           chosen == value ? " selected" : "", count));
    }
    page.add("</select></label> ");
  };
  choice("site", k_site, sites, filter.site);
  choice("group", k_group, groups, filter.group);
  choice("version", k_version, versions, filter.version);
  page.add(
      fmt::format("<input type=\"hidden\" name=\"lang\" value=\"{}\"><button>{}</button></form>",
                  language_code(context.language), page.et(k_filter)));
  // The kiosks the filters leave, the worst first (then by id, as the store lists them), one
  // page of them.
  std::vector<const KioskHealth*> shown;
  for (const auto& kiosk : kiosks) {
    if (filter.health && kiosk.health != *filter.health) continue;
    if (matches_but_state(kiosk, filter)) shown.push_back(&kiosk);
  }
  std::stable_sort(shown.begin(), shown.end(), [](const KioskHealth* a, const KioskHealth* b) {
    return a->health > b->health;
  });
  int pages = std::max(1, static_cast<int>((shown.size() + k_board_page_rows - 1) /
                                           static_cast<std::size_t>(k_board_page_rows)));
  int page_number = std::clamp(filter.page, 1, pages);
  std::size_t first = static_cast<std::size_t>(page_number - 1) * k_board_page_rows;
  std::size_t last = std::min(shown.size(), first + k_board_page_rows);
  std::string rows;
  for (std::size_t i = first; i < last; ++i) {
    const KioskHealth& kiosk = *shown[i];
    rows += fmt::format(
        "<tr class=\"kiosk\" data-kiosk=\"{0}\" data-state=\"{1}\"><td><a href=\"/kiosk?id={2}\">"
        "<bdi>{0}</bdi></a></td><td>{3}</td><td>{4}</td><td><bdi>{5}</bdi></td><td>{6}</td>"
        "<td>{7}</td><td>{8}</td><td>{9}</td></tr>",
        page.e(kiosk.kiosk_id), health_name(kiosk.health), url_encode(kiosk.kiosk_id),
        page.health_badge(kiosk.health), groups_text(page, kiosk.groups),
        kiosk.heartbeat ? page.e(kiosk.heartbeat->version) : std::string(),
        age_since(page, context.now_ms, kiosk.heartbeat_ms),
        kiosk.heartbeat ? std::to_string(kiosk.heartbeat->queue_depth) : std::string(),
        kiosk.heartbeat ? std::to_string(kiosk.heartbeat->quarantined) : std::string(),
        page.reasons_text(kiosk));
  }
  if (rows.empty()) {
    page.add("<p>" + page.et(k_no_kiosks) + "</p>");
  } else {
    page.add(fmt::format(
        "<table "
        "id=\"kiosks\"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>"
        "<th>{}</th><th>{}</th></tr>{}</table>",
        page.et(k_kiosk), page.et(k_state), page.et(k_groups), page.et(k_version),
        page.et(k_last_heartbeat), page.et(k_queue), page.et(k_quarantined), page.et(k_reasons),
        rows));
  }
  if (pages > 1) {
    // The same filters on the page before and after.
    auto link = [&](int to, const PageText& label) {
      std::string query = fmt::format("/?page={}&lang={}", to, language_code(context.language));
      if (filter.health) query += fmt::format("&state={}", health_name(*filter.health));
      for (auto [name, value] :
           {std::pair<std::string_view, const std::string*>{"site", &filter.site},
            {"group", &filter.group},
            {"version", &filter.version}}) {
        if (!value->empty()) query += fmt::format("&{}={}", name, url_encode(*value));
      }
      return fmt::format("<a href=\"{}\">{}</a>", page.e(query), page.et(label));
    };
    page.add(fmt::format(
        "<p class=\"pages\" id=\"pages\">{} {} <bdi>{}/{}</bdi> {}</p>",
        page.e(fmt::format(fmt::runtime(page.t(k_showing)), last - first, shown.size())),
        page_number > 1 ? link(page_number - 1, k_previous) : std::string(), page_number, pages,
        page_number < pages ? link(page_number + 1, k_next) : std::string()));
  }
  page.add("<p><small>" + page.e(fmt::format(fmt::runtime(page.t(k_refreshes)), refresh_seconds)) +
           "</small></p>");
  return page.finish(page.t(k_board), refresh_seconds);
}

std::string render_kiosk(const PageContext& context, const KioskHealth& kiosk,
                         const std::vector<KioskSnapshot>& history, std::string_view more_html) {
  Page page(context);
  page.add(fmt::format("<p id=\"state\" data-state=\"{}\">{} {}</p>", health_name(kiosk.health),
                       page.health_badge(kiosk.health), page.reasons_text(kiosk)));
  auto row = [&](const PageText& name, const std::string& value) {
    return fmt::format("<tr><th>{}</th><td>{}</td></tr>", page.et(name), value);
  };
  std::string rows = row(k_last_heartbeat, age_since(page, context.now_ms, kiosk.heartbeat_ms));
  rows += row(k_groups, kiosk.groups.empty() ? page.et(k_none) : groups_text(page, kiosk.groups));
  if (const auto& beat = kiosk.heartbeat) {
    rows += row(k_version, "<bdi>" + page.e(beat->version) + "</bdi>");
    rows += row(k_uptime, page.seconds_text(beat->uptime_s));
    rows += row(k_queue, std::to_string(beat->queue_depth));
    rows += row(k_quarantined, std::to_string(beat->quarantined));
    rows += row(k_oldest_pending, beat->oldest_pending_age_s
                                      ? page.seconds_text(*beat->oldest_pending_age_s)
                                      : page.et(k_none));
    rows += row(k_out_of_service, beat->out_of_service
                                      ? "<bdi>" + page.e(*beat->out_of_service) + "</bdi>"
                                      : page.et(k_none));
    if (const auto& telemetry = beat->telemetry) {
      rows += row(k_restart_cause, "<bdi>" + page.e(telemetry->restart_cause) + "</bdi>");
      rows += row(k_free_disk, fmt::format("<bdi>{} MiB</bdi>", telemetry->free_disk_bytes >> 20));
      rows += row(k_clock_offset, page.seconds_text(clock_offset_seconds(kiosk).value_or(0)));
    }
  }
  page.add("<table id=\"latest\">" + rows + "</table>");
  if (kiosk.heartbeat && !kiosk.heartbeat->devices.empty()) {
    std::string devices;
    for (const auto& [name, status] : kiosk.heartbeat->devices) {
      devices += fmt::format("<tr><td><bdi>{}</bdi></td><td class=\"{}\"><bdi>{}</bdi></td></tr>",
                             page.e(name), device_is_well(name, status) ? "green" : "amber",
                             page.e(status));
    }
    page.add(
        fmt::format("<h2>{}</h2><table id=\"devices\"><tr><th>{}</th><th>{}</th></tr>{}</table>",
                    page.et(k_devices), page.et(k_device), page.et(k_status), devices));
  }
  if (kiosk.heartbeat && kiosk.heartbeat->telemetry) {
    const auto& services = kiosk.heartbeat->telemetry->services;
    std::string bundles;
    for (const auto& bundle : services.bundles) {
      bundles += fmt::format("<tr><td><bdi dir=\"ltr\">{}</bdi></td><td><bdi>{}</bdi></td></tr>",
                             page.e(bundle.id), page.e(bundle.version));
    }
    page.add(fmt::format(
        "<h2>{} <small>({} <bdi>{}</bdi>)</small></h2><table id=\"services\"><tr><th>{}</th>"
        "<th>{}</th></tr>{}</table>",
        page.et(k_services), page.et(k_generation), services.generation, page.et(k_service),
        page.et(k_version), bundles));
    // What its updater last decided for each signed bundle, in the kiosk's own words.
    std::string rollout;
    for (const auto& item : services.rollout) {
      std::string detail = item.reason;
      if (item.opens_s) detail = page.time_text(*item.opens_s * 1000);
      rollout += fmt::format(
          "<tr data-target=\"{0}\" data-state=\"{1}\"><td><bdi dir=\"ltr\">{0}</bdi></td>"
          "<td class=\"{2}\">{3}</td><td><bdi dir=\"ltr\">{4}</bdi></td></tr>",
          page.e(item.target), page.e(item.state),
          item.state == "refused" ? "red" : (item.state == "installed" ? "green" : ""),
          rollout_state_text(item.state) ? page.et(*rollout_state_text(item.state))
                                         : page.e(item.state),
          item.opens_s ? detail : page.e(detail));
    }
    if (!rollout.empty()) {
      page.add(fmt::format(
          "<h2>{}</h2><table id=\"rollout-states\"><tr><th>{}</th><th>{}</th><th>{}</th></tr>{}"
          "</table>",
          page.et(k_rollouts), page.et(k_target), page.et(k_state), page.et(k_detail), rollout));
    }
  }
  std::string recent;
  for (const auto& snapshot : history) {
    auto beat = portal_protocol::decode_heartbeat(snapshot.heartbeat);
    recent +=
        fmt::format("<tr><td>{}</td><td><bdi>{}</bdi></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    snapshot.heartbeat_ms ? page.time_text(*snapshot.heartbeat_ms) : std::string(),
                    beat ? page.e(beat->version) : std::string(),
                    beat ? page.seconds_text(beat->uptime_s) : std::string(),
                    beat ? std::to_string(beat->queue_depth) : std::string(),
                    beat ? std::to_string(beat->quarantined) : std::string());
  }
  page.add(fmt::format(
      "<h2>{}</h2><table id=\"history\"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th>"
      "<th>{}</th></tr>{}</table>",
      page.et(k_recent), page.et(k_received), page.et(k_version), page.et(k_uptime),
      page.et(k_queue), page.et(k_quarantined), recent));
  page.add(more_html);
  return page.finish(std::string(page.t(k_kiosk)) + " " + kiosk.kiosk_id);
}

std::string render_tokens(const PageContext& context, const std::optional<IssuedToken>& issued,
                          std::string_view error, const std::vector<EnrolmentTokenInfo>& tokens) {
  Page page(context);
  if (issued) {
    page.add("<p>" +
             page.e(fmt::format(fmt::runtime(page.t(k_issued)), issued->kiosk_id, issued->hours)) +
             "</p><p class=\"token\" id=\"token\">" + page.e(issued->token) + "</p>");
  }
  if (!error.empty())
    page.add("<p class=\"error\">" + page.et(k_token_refused) + page.e(error) + "</p>");
  bool operator_role = context.role == AdminRole::operator_role;
  if (!operator_role) {
    page.add("<p>" + page.et(k_viewer_only) + "</p>");
  } else {
    page.add(fmt::format(
        "<form method=\"post\" action=\"/tokens\" class=\"box\">"
        "<input type=\"hidden\" name=\"csrf\" value=\"{}\">"
        "<label>{}<br><input name=\"kiosk_id\" id=\"kiosk_id\" required dir=\"ltr\"></label>"
        "<label>{}<br><input name=\"groups\" id=\"groups\" dir=\"ltr\"></label>"
        "<label>{}<br><input name=\"hours\" id=\"hours\" type=\"number\" min=\"1\" max=\"720\" "
        "value=\"24\"></label><button id=\"issue\">{}</button></form>",
        page.e(context.csrf_token), page.et(k_kiosk_id), page.et(k_groups_hint), page.et(k_hours),
        page.et(k_issue)));
  }
  page.add("<h2>" + page.et(k_issued_tokens) + "</h2>");
  if (tokens.empty()) {
    page.add("<p>" + page.et(k_no_tokens) + "</p>");
    return page.finish(page.t(k_tokens));
  }
  std::string rows;
  for (const auto& token : tokens) {
    bool expired = token.expires_ms <= context.now_ms;
    const PageText& state = token.used_ms      ? k_token_used
                            : token.revoked_ms ? k_token_revoked
                            : expired          ? k_token_expired
                                               : k_token_waiting;
    std::string revoke;
    if (operator_role && !token.used_ms && !token.revoked_ms && !expired) {
      revoke = fmt::format(
          "<form method=\"post\" action=\"/tokens/revoke\" class=\"inline\">"
          "<input type=\"hidden\" name=\"csrf\" value=\"{}\"><input type=\"hidden\" name=\"id\" "
          "value=\"{}\"><button class=\"revoke\">{}</button></form>",
          page.e(context.csrf_token), page.e(token.id), page.et(k_revoke));
    }
    rows += fmt::format(
        "<tr class=\"enrolment-token\" data-token=\"{0}\" data-kiosk=\"{1}\"><td><bdi dir=\"ltr\">"
        "{0}</bdi></td><td><bdi>{1}</bdi></td><td>{2}</td><td>{3}</td><td>{4}</td><td>{5}</td>"
        "<td>{6}</td></tr>",
        page.e(token.id), page.e(token.kiosk_id), groups_text(page, token.groups),
        token.issued_ms ? page.time_text(token.issued_ms) : page.et(k_none),
        page.time_text(token.expires_ms), page.et(state), revoke);
  }
  page.add(fmt::format(
      "<table id=\"tokens\"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>"
      "<th></th></tr>{}</table>",
      page.et(k_token_id), page.et(k_kiosk), page.et(k_groups), page.et(k_issued_at),
      page.et(k_expires), page.et(k_state), rows));
  return page.finish(page.t(k_tokens));
}

std::string render_alerts(const PageContext& context, const std::vector<Alert>& alerts,
                          std::optional<AlertKind> kind, std::string_view published_problem,
                          int refresh_seconds) {
  Page page(context);
  std::map<AlertKind, int> counts;
  for (const auto& alert : alerts) ++counts[alert.kind];
  // One link per kind, with its count: the page filtered to that kind.
  page.add(
      fmt::format("<p class=\"counts\" id=\"alert-counts\"><a href=\"/alerts?lang={}\">{} "
                  "<bdi>{}</bdi></a>",
                  language_code(context.language), page.et(k_all), alerts.size()));
  for (AlertKind k :
       {AlertKind::offline, AlertKind::paper, AlertKind::queue_growing, AlertKind::quarantined,
        AlertKind::clock_skew, AlertKind::services_behind, AlertKind::rollout_failing}) {
    page.add(
        fmt::format("<a href=\"/alerts?kind={0}&amp;lang={1}\" class=\"{2}\">{3} <bdi "
                    "id=\"alerts-{0}\">{4}</bdi>"
                    "</a>",
                    alert_kind_name(k), language_code(context.language), kind == k ? "chosen" : "",
                    page.et(alert_text(k)), counts[k]));
  }
  page.add("</p>");
  if (!published_problem.empty())
    page.add("<p class=\"error\">" + page.et(k_published_unknown) + page.e(published_problem) +
             "</p>");
  std::string rows;
  for (const auto& alert : alerts) {
    if (kind && alert.kind != *kind) continue;
    // A wave's alert is about a rollout, not one kiosk: it links the rollouts page.
    std::string where = alert.kiosk_id.empty()
                            ? fmt::format("<a href=\"/rollouts\">{}</a>", page.et(k_rollouts))
                            : fmt::format("<a href=\"/kiosk?id={}\"><bdi>{}</bdi></a>",
                                          url_encode(alert.kiosk_id), page.e(alert.kiosk_id));
    rows += fmt::format(
        "<tr class=\"alert\" data-kind=\"{}\" data-kiosk=\"{}\"><td>{}</td><td>{}</td><td><bdi "
        "dir=\"ltr\">{}</bdi></td><td>{}</td></tr>",
        alert_kind_name(alert.kind), page.e(alert.kiosk_id), page.et(alert_text(alert.kind)), where,
        page.e(alert.detail),
        alert.heartbeat_ms || !alert.kiosk_id.empty()
            ? age_since(page, context.now_ms, alert.heartbeat_ms)
            : std::string());
  }
  if (rows.empty()) {
    page.add("<p id=\"no-alerts\">" + page.et(k_no_alerts) + "</p>");
  } else {
    page.add(fmt::format(
        "<table id=\"alerts\"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>",
        page.et(k_kind), page.et(k_kiosk), page.et(k_problem), page.et(k_since), rows));
  }
  page.add("<p><small>" + page.e(fmt::format(fmt::runtime(page.t(k_refreshes)), refresh_seconds)) +
           "</small></p>");
  return page.finish(page.t(k_alerts), refresh_seconds);
}

std::string render_audit(const PageContext& context, const std::vector<AuditEntry>& entries) {
  Page page(context);
  std::string rows;
  for (const auto& entry : entries) {
    auto text = action_texts().find(entry.action);
    rows += fmt::format(
        "<tr class=\"audit\" data-action=\"{}\"><td>{}</td><td><bdi>{}</bdi></td><td>{}</td>"
        "<td><bdi dir=\"ltr\">{}</bdi></td><td><bdi dir=\"ltr\">{}</bdi></td></tr>",
        page.e(entry.action), page.time_text(entry.at_ms), page.e(entry.user),
        text == action_texts().end() ? page.e(entry.action) : page.et(text->second),
        page.e(entry.detail), page.e(entry.address));
  }
  page.add(fmt::format(
      "<table id=\"audit\"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>{}"
      "</table>",
      page.et(k_when), page.et(k_who), page.et(k_action), page.et(k_detail), page.et(k_address),
      rows));
  return page.finish(page.t(k_audit));
}

std::string render_refusal(const PageContext& context, Refusal refusal) {
  Page page(context);
  const PageText& text = refusal == Refusal::forbidden
                             ? k_forbidden
                             : (refusal == Refusal::not_found ? k_not_found : k_bad_request);
  page.add("<p class=\"error\">" + page.et(text) + "</p>");
  return page.finish(page.t(text));
}

std::string render_rollouts(const PageContext& context,
                            const std::vector<RolloutProgress>& rollouts, bool published,
                            std::string_view published_problem, int refresh_seconds) {
  Page page(context);
  if (!published) page.add("<p>" + page.et(k_no_repository) + "</p>");
  if (!published_problem.empty())
    page.add("<p class=\"error\">" + page.e(published_problem) + "</p>");
  if (published && published_problem.empty() && rollouts.empty())
    page.add("<p id=\"no-rollouts\">" + page.et(k_no_rollouts) + "</p>");
  for (const auto& rollout : rollouts) {
    const auto& policy = rollout.policy;
    std::string groups =
        policy.groups.empty() ? page.et(k_every_kiosk) : groups_text(page, policy.groups);
    page.add(fmt::format(
        "<section class=\"rollout\" data-target=\"{0}\"><h2><bdi dir=\"ltr\">{0}</bdi> "
        "<small><bdi dir=\"ltr\">{1} {2}</bdi></small> {3}</h2><p>{4}: {5} · {6}: <bdi>{7}</bdi>"
        "</p>",
        page.e(rollout.bundle.target), page.e(rollout.bundle.id), page.e(rollout.bundle.version),
        policy.halted ? "<span class=\"badge red\" id=\"halted\">" + page.et(k_halted) + "</span>"
                      : std::string(),
        page.et(k_groups), groups, page.et(k_outside), rollout.outside_groups));
    std::string rows;
    for (std::size_t i = 0; i < rollout.waves.size(); ++i) {
      const auto& wave = rollout.waves[i];
      rows += fmt::format(
          "<tr class=\"wave{}\" data-wave=\"{}\" data-kiosks=\"{}\" data-updated=\"{}\" "
          "data-waiting=\"{}\" data-failed=\"{}\"><td>{}</td><td><bdi>{}%</bdi></td>"
          "<td>{} ({})</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
          wave.failing ? " red" : "", i + 1, wave.kiosks, wave.updated, wave.waiting, wave.failed,
          i + 1, wave.percent, page.time_text(wave.opens_s * 1000),
          page.et(wave.open ? k_open : k_not_yet), wave.kiosks, wave.updated, wave.waiting,
          wave.failed, wave.unreported);
    }
    page.add(fmt::format(
        "<table class=\"waves\"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>"
        "<th>{}</th><th>{}</th><th>{}</th></tr>{}</table></section>",
        page.et(k_wave), page.et(k_share), page.et(k_opens), page.et(k_kiosks), page.et(k_updated),
        page.et(k_waiting), page.et(k_failed), page.et(k_unreported), rows));
  }
  page.add("<p><small>" + page.e(fmt::format(fmt::runtime(page.t(k_refreshes)), refresh_seconds)) +
           "</small></p>");
  return page.finish(page.t(k_rollouts), refresh_seconds);
}

std::string render_page(const PageContext& context, std::string_view heading,
                        std::string_view body_html) {
  Page page(context);
  page.add(body_html);
  return page.finish(heading);
}

std::string time_html(std::int64_t unix_ms) {
  PageContext any;
  return Page(any).time_text(unix_ms);
}

std::string query_encode(std::string_view text) {
  return url_encode(text);
}

}  // namespace shubbak::portal::console
