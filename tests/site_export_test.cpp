// The municipality page: selection of self-service ways, contacts per region, escaping, no
// external resources, Markdown equivalent, and the atomic write of `triage export --output`.
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli_support.h"
#include "triage/loader.h"
#include "triage/site_export.h"

using namespace triage;
namespace fs = std::filesystem;

namespace {

const std::string kRules = "tests/data/export/rules";

std::shared_ptr<const RuleSet> export_rules() {
  LoadResult r = load_rules(std::string(TRIAGE_SOURCE_DIR) + "/" + kRules);
  REQUIRE(r.rules != nullptr);
  REQUIRE_FALSE(r.diagnostics.has_errors());
  return r.rules;
}

SitePage page_for(const std::string& region) {
  auto page = build_site_page(export_rules(), region, default_site_cases(), false);
  REQUIRE(page);
  return *page;
}

using triage::testing::slurp;
using Run = triage::testing::CliRun;

Run run_triage(const std::string& args, const std::string& env = "") {
  return triage::testing::run_shell("cd '" TRIAGE_SOURCE_DIR "' && " + env + "'" TRIAGE_BINARY "' " + args);
}

std::vector<std::string> attribute_values(const std::string& html, const std::string& attr) {
  std::vector<std::string> out;
  std::regex re(attr + "=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), re); it != std::sregex_iterator(); ++it) {
    out.push_back((*it)[1]);
  }
  return out;
}

}  // namespace

TEST_CASE("site export: only self-service outcomes of the published cases, in menu order") {
  SitePage p = page_for("default");
  REQUIRE(p.sections.size() == 3);
  CHECK(p.sections[0].case_id == "confirm-account");
  CHECK(p.sections[1].case_id == "forgot-password");
  CHECK(p.sections[2].case_id == "duplicate-snils");
  // confirm: the bank ways only (the MFC visit is referred); the quarantine and Belgorod lines
  // do not hold for a default-region caller.
  REQUIRE(p.sections[0].ways.size() == 3);
  const SelfServiceWay& bank = p.sections[0].ways[0];
  CHECK(bank.outcome_code == "CONFIRM-BANK");
  CHECK(bank.heading == "Способ 1. Через онлайн-банк");
  CHECK(bank.when == "Вы клиент банка? — Да, Сбербанка");
  CHECK(bank.lines == std::vector<std::string>{"Войдите в онлайн-кабинет банка и выберите <b>«Госуслуги»</b> & подтверждение."});
  // forgot: phone and e-mail read the same, so once; FP-REMOTE is escalated.
  REQUIRE(p.sections[1].ways.size() == 1);
  CHECK(p.sections[1].ways[0].outcome_code == "FP-PHONE");
  CHECK(p.sections[1].ways[0].lines ==
        std::vector<std::string>{"Откройте gosuslugi.ru и нажмите «Я не знаю пароль».", "Введите код из SMS."});
  CHECK(p.rules_version == "7.1");
  CHECK(p.content_hash.rfind("sha256:", 0) == 0);
}

// #12: «Способ 3–8» all read the same and did not say which bank; a way reached through a fact
// the caller chooses (the bank) is named by its answer, and no two headings of a page are equal.
TEST_CASE("site export: each way's heading names it; no two headings on the page are equal") {
  SitePage p = page_for("default");
  const SelfServiceSection& confirm = p.sections[0];
  REQUIRE(confirm.ways.size() == 3);
  CHECK(confirm.ways[1].outcome_code == "CONFIRM-BANK-TINKOFF");
  CHECK(confirm.ways[1].heading == "Способ 2. Тинькофф Банк");
  CHECK(confirm.ways[1].when == "Вы клиент банка? — Да, другого банка; Каким банком Вы пользуетесь? — Тинькофф Банк");
  CHECK(confirm.ways[1].lines == std::vector<std::string>{"Подтвердите учётную запись в приложении Тинькофф Банка."});
  CHECK(confirm.ways[2].heading == "Способ 3. Почта Банк");
  // Both "Телефон": the second gets its section's title.
  CHECK(p.sections[1].ways[0].heading == "Способ 1. Телефон");
  CHECK(p.sections[2].ways[0].heading == "Способ 1. Телефон (Уже есть учётная запись с таким СНИЛС)");
  // The shipped rules, every region: all headings distinct, none a bare number.
  triage::LoadResult shipped = load_rules(std::string(TRIAGE_SOURCE_DIR) + "/rules");
  REQUIRE(shipped.rules != nullptr);
  for (const char* region : {"default", "belgorod", "moscow", "spb"}) {
    auto page = build_site_page(shipped.rules, region, default_site_cases(), false);
    REQUIRE(page);
    std::set<std::string> headings;
    std::size_t ways = 0;
    for (const SelfServiceSection& sec : page->sections) {
      for (const SelfServiceWay& w : sec.ways) {
        ++ways;
        INFO(region << ": " << w.heading);
        CHECK(headings.insert(w.heading).second);
        CHECK_FALSE(std::regex_match(w.heading, std::regex(R"(Способ \d+\.?)")));
      }
    }
    CHECK(ways >= 10);
    std::string html = render_site_page(*page, PageFormat::Html);
    // Each bank's way is headed by the bank's name (the outcome's title names it).
    for (const char* bank : {"Сбербанк", "Тинькофф Банк", "Почта Банк", "ВТБ"}) {
      bool named = std::any_of(headings.begin(), headings.end(), [&](const std::string& h) {
        return h.find(bank) != std::string::npos;
      });
      CHECK_MESSAGE(named, bank);
      CHECK_MESSAGE(html.find(bank) != std::string::npos, bank);
    }
  }
}

TEST_CASE("site export: the region's lines and contacts, overlay first, national not overridden") {
  SitePage p = page_for("belgorod");
  CHECK(p.region_title == "Белгородская область");
  REQUIRE(p.sections[0].ways.size() == 3);
  CHECK(p.sections[0].ways[0].lines.back() == "В Белгородской области поможет контакт-центр: (4722) 42-42-42.");
  std::vector<std::string> keys;
  for (const PublishedContact& c : p.contacts) keys.push_back(c.region + "/" + c.contact.key);
  CHECK(keys == std::vector<std::string>{"belgorod/regional_cc", "belgorod/mfc_address", "default/support_line",
                                         "default/portal", "default/map", "default/bad_link"});
  // A declared region without an overlay gets the national directory.
  SitePage tver = page_for("tver");
  CHECK(tver.contacts.size() == 4);  // the national regional_cc is only a fallback
}

// #12: internal documents were listed to citizens. Only contacts a citizen-facing text uses are
// published: one only operator lines use (the ESIA operator manual) or none uses (material for
// the administrations) is not; operator lines are not on the page either.
TEST_CASE("site export: internal sources and operator lines are not published") {
  SitePage p = page_for("default");
  std::vector<std::string> keys;
  for (const PublishedContact& c : p.contacts) keys.push_back(c.contact.key);
  CHECK(keys == std::vector<std::string>{"support_line", "portal", "map", "bad_link"});
  CHECK(p.sections[0].ways[1].lines == std::vector<std::string>{"Подтвердите учётную запись в приложении Тинькофф Банка."});
  std::string html = render_site_page(p, PageFormat::Html);
  for (const char* internal : {"digital.gov.ru", "Руководство оператора", "for-administrations", "Оператору"}) {
    CHECK_MESSAGE(html.find(internal) == std::string::npos, internal);
  }
  // The shipped rules: the ESIA operator manual and the page for administrations are in the
  // contacts data but on no region's page; the citizens' contacts are.
  triage::LoadResult shipped = load_rules(std::string(TRIAGE_SOURCE_DIR) + "/rules");
  REQUIRE(shipped.rules != nullptr);
  REQUIRE(shipped.rules->contact("default", "esia_operator_manual") != nullptr);
  REQUIRE(shipped.rules->contact("default", "self_service_info") != nullptr);
  for (const char* region : {"default", "belgorod", "moscow", "spb"}) {
    auto page = build_site_page(shipped.rules, region, default_site_cases(), false);
    REQUIRE(page);
    std::string text = render_site_page(*page, PageFormat::Html);
    INFO(region);
    CHECK(text.find("digital.gov.ru/ru/documents/4247") == std::string::npos);
    CHECK(text.find("minsvyaz.donland.ru") == std::string::npos);
    CHECK(text.find("для размещения на сайте администрации") == std::string::npos);
    for (const char* value : {"8 800 100-70-10", "gosuslugi.ru", "map.gosuslugi.ru", "900"}) {
      CHECK_MESSAGE(text.find(std::string(">") + value + "<") != std::string::npos, value);
    }
  }
}

// #12: the footer showed a hash. It says when the ways were checked and the rules' version in
// words; the content hash is only an attribute (HTML) or a comment (Markdown), never text.
TEST_CASE("site export: footer with a human date and the version in words, the hash out of sight") {
  triage::LoadResult shipped = load_rules(std::string(TRIAGE_SOURCE_DIR) + "/rules");
  REQUIRE(shipped.rules != nullptr);
  auto page = build_site_page(shipped.rules, "belgorod", default_site_cases(), false);
  REQUIRE(page);
  std::string latest;
  for (const SelfServiceSection& sec : page->sections) {
    for (const SelfServiceWay& w : sec.ways) latest = std::max(latest, w.reviewed);
  }
  CHECK(page->reviewed == latest);
  REQUIRE(latest.size() == 10);
  static const char* const kMonths[] = {"января", "февраля", "марта",    "апреля",  "мая",    "июня",
                                        "июля",   "августа", "сентября", "октября", "ноября", "декабря"};
  std::string date = std::to_string(std::stoi(latest.substr(8, 2))) + " " + kMonths[std::stoi(latest.substr(5, 2)) - 1] +
                     " " + latest.substr(0, 4) + " г.";
  std::string vdate = std::to_string(std::stoi(page->rules_version.substr(8, 2))) + " " +
                      kMonths[std::stoi(page->rules_version.substr(5, 2)) - 1] + " " +
                      page->rules_version.substr(0, 4) + " г.";
  std::string expected = "<p>Сведения проверены " + date + " Страница подготовлена автоматически по правилам «" +
                         page->rules_title + "», редакция от " + vdate + " Регион: Белгородская область.</p>";
  std::string html = render_site_page(*page, PageFormat::Html);
  CHECK(html.find(expected) != std::string::npos);
  std::string hash = page->content_hash;
  REQUIRE(hash.rfind("sha256:", 0) == 0);
  // Once, as the footer's data attribute; not in any text a reader sees.
  CHECK(attribute_values(html, "data-rules-hash") == std::vector<std::string>{hash});
  CHECK(html.find(hash) == html.find("data-rules-hash=\"") + 17);
  CHECK(html.find(hash, html.find(hash) + 1) == std::string::npos);
  CHECK(html.find("sha256") == html.find(hash));
  std::string md = render_site_page(*page, PageFormat::Markdown);
  std::size_t comment = md.find("<!-- rules " + hash + " -->");
  CHECK(comment != std::string::npos);
  CHECK(md.find("sha256") == comment + 11);
  CHECK(md.find("*Сведения проверены " + date + " Страница подготовлена") != std::string::npos);
  // The national page names no region.
  auto national = build_site_page(shipped.rules, "default", default_site_cases(), false);
  REQUIRE(national);
  CHECK(render_site_page(*national, PageFormat::Html).find("Регион:") == std::string::npos);
}

// #12: Belgorod's video recovery was missing from the duplicate-SNILS section. The export walks
// the sub-flows a case calls for the page's region; the video recovery, a referral to the
// region's own contact centre, is a way the citizen takes remotely on their own.
TEST_CASE("site export: the region's sub-flow ways (Belgorod's video recovery)") {
  SitePage b = page_for("belgorod");
  REQUIRE(b.sections.size() == 3);
  const SelfServiceSection& dup = b.sections[2];
  REQUIRE(dup.ways.size() == 2);
  CHECK(dup.ways[1].outcome_code == "DUP-VIDEO");
  CHECK(dup.ways[1].heading == "Способ 2. Восстановление по видеозвонку");
  CHECK(dup.ways[1].when == "Есть ли у Вас WhatsApp или Viber? — Да");
  CHECK(dup.ways[1].lines ==
        std::vector<std::string>{"Позвоните в контакт-центр: (4722) 42-42-42. Специалист свяжется с Вами по видеозвонку."});
  // Not for a caller of another region: the branch does not call it there.
  for (const char* region : {"default", "tver"}) {
    SitePage other = page_for(region);
    REQUIRE(other.sections.size() == 3);
    REQUIRE(other.sections[2].ways.size() == 1);
    CHECK(other.sections[2].ways[0].outcome_code == "DUP-RESTORE");
  }
  // The shipped rules: the duplicate-SNILS section of Belgorod has it, Moscow's does not.
  triage::LoadResult shipped = load_rules(std::string(TRIAGE_SOURCE_DIR) + "/rules");
  REQUIRE(shipped.rules != nullptr);
  auto codes = [&](const char* region) {
    auto page = build_site_page(shipped.rules, region, {"duplicate-snils"}, true);
    REQUIRE(page);
    REQUIRE(page->sections.size() == 1);
    std::vector<std::string> out;
    for (const SelfServiceWay& w : page->sections[0].ways) out.push_back(w.outcome_code);
    return out;
  };
  CHECK(codes("belgorod") == std::vector<std::string>{"DUP-RESTORE-OLD", "REGIONAL-VIDEO-RECOVERY"});
  CHECK(codes("moscow") == std::vector<std::string>{"DUP-RESTORE-OLD"});
  auto page = build_site_page(shipped.rules, "belgorod", {"duplicate-snils"}, true);
  REQUIRE(page);
  const SelfServiceWay& video = page->sections[0].ways[1];
  CHECK(video.heading == "Способ 2. Дистанционное восстановление доступа по видеозвонку (Белгородская область)");
  CHECK(std::find(video.lines.begin(), video.lines.end(),
                  "Позвоните в Единый контакт-центр: (4722) 42-42-42 или 8-800-707-10-03.") != video.lines.end());
}

TEST_CASE("site export: explicit cases, unknown case and region") {
  auto rules = export_rules();
  auto staff = build_site_page(rules, "default", {"service-centre"}, true);
  REQUIRE(staff);
  REQUIRE(staff->sections.size() == 1);
  CHECK(staff->sections[0].ways.size() == 2);
  auto bad = build_site_page(rules, "default", {"forgot-pasword"}, true);
  REQUIRE_FALSE(bad);
  CHECK(bad.status().message() == "неизвестный сценарий 'forgot-pasword'; возможно, имелся в виду 'forgot-password'");
  auto region = build_site_page(rules, "belgorot", default_site_cases(), false);
  REQUIRE_FALSE(region);
  CHECK(region.status().code() == "unknown-region");
  CHECK(region.status().message() ==
        "неизвестный регион 'belgorot' (возможно, 'belgorod'); известны: default, belgorod, tver");
}

TEST_CASE("site export: HTML has every contact, escapes text, loads nothing external") {
  SitePage p = page_for("belgorod");
  std::string html = render_site_page(p, PageFormat::Html);
  CHECK(html.rfind("<!DOCTYPE html>\n<html lang=\"ru\">", 0) == 0);
  CHECK(html.find("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">") != std::string::npos);
  for (const char* value : {"(4722) 42-42-42", "г. Белгород, пр-т Славы, д. 25", "8 800 100-70-10", "gosuslugi.ru",
                            "https://map.gosuslugi.ru", "javascript:alert(1)"}) {
    CHECK_MESSAGE(html.find(std::string(">") + value + "<") != std::string::npos, value);
  }
  CHECK(html.find("8 800 000-00-01") == std::string::npos);  // the overridden national number
  CHECK(html.find("Поддержка портала Госуслуг &amp; справка") != std::string::npos);
  CHECK(html.find("Ссылка &lt;без&gt; схемы") != std::string::npos);
  CHECK(html.find("выберите &lt;b&gt;«Госуслуги»&lt;/b&gt; &amp; подтверждение") != std::string::npos);
  CHECK(html.find("<b>") == std::string::npos);
  CHECK(attribute_values(html, "src").empty());
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
  CHECK(html.find("@import") == std::string::npos);
  CHECK(html.find("url(") == std::string::npos);
  // Links only to the contacts themselves; the javascript: value gets none.
  CHECK(attribute_values(html, "href") == std::vector<std::string>{"tel:+74722424242", "tel:+78001007010",
                                                                   "https://gosuslugi.ru", "https://map.gosuslugi.ru"});
  CHECK(html.find("<footer class=\"triage-footer\" data-rules-hash=\"" + p.content_hash + "\"><p>Сведения проверены 24 ноября 2026 г. "
                  "Страница подготовлена автоматически по правилам «Тестовые правила для страницы», версия 7.1. "
                  "Регион: Белгородская область.</p></footer>") != std::string::npos);
}

TEST_CASE("site export: Markdown says the same, escaped") {
  SitePage p = page_for("belgorod");
  std::string md = render_site_page(p, PageFormat::Markdown);
  CHECK(md.rfind("# Учётная запись на Госуслугах: как подтвердить или восстановить её самостоятельно\n", 0) == 0);
  CHECK(md.find("\n## Подтвердить учётную запись\n") != std::string::npos);
  CHECK(md.find("1. Войдите в онлайн-кабинет банка и выберите \\<b\\>«Госуслуги»\\</b\\> \\& подтверждение.\n") !=
        std::string::npos);
  CHECK(md.find("- Контакт-центр МФЦ Белгородской области: [(4722) 42-42-42](<tel:+74722424242>)\n") != std::string::npos);
  CHECK(md.find("- Адрес МФЦ: **г. Белгород, пр-т Славы, д. 25**\n") != std::string::npos);
  CHECK(md.find("- Ссылка \\<без\\> схемы: **javascript:alert(1)**\n") != std::string::npos);
  CHECK(markdown_escape("1. *важно* [x](y) #") == "1\\. \\*важно\\* \\[x\\](y) \\#");
  CHECK(markdown_escape("- пункт") == "\\- пункт");
  CHECK(html_escape("<a href=\"x\">'&'</a>") == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

// #12: a fragment mode a web editor pastes into a CMS. Only the content block: one root element,
// no document elements, no stylesheet, every class and id scoped (triage-*); the whole page's
// stylesheet has no rule for a bare element or a common class outside its own document rules.
// Both pass scripts/check_html_structure.py (python3 html.parser: nesting, ids, no scripts).
TEST_CASE("site export: --fragment is only the content block, scoped; both HTML forms are well formed") {
  const std::vector<std::pair<std::string, std::string>> pages = {
      {"rules", "default"}, {"rules", "belgorod"}, {"rules", "moscow"}, {"rules", "spb"},
      {kRules, "default"}, {kRules, "belgorod"}};
  for (const auto& [rules, region] : pages) {
    INFO(rules << " " << region);
    std::string args = "export --rules " + rules + " --region " + region;
    Run page = run_triage(args + " | python3 scripts/check_html_structure.py page");
    CHECK(page.rc == 0);
    CHECK(page.out.empty());
    Run fragment = run_triage(args + " --fragment | python3 scripts/check_html_structure.py fragment");
    CHECK(fragment.rc == 0);
    CHECK(fragment.out.empty());
  }
  // The checker itself finds what it is for.
  Run broken = triage::testing::run_shell("cd '" TRIAGE_SOURCE_DIR "' && printf '<div class=\"triage-page\"><p>x</div><span class=\"x\"></span>' | "
                          "python3 scripts/check_html_structure.py fragment");
  CHECK(broken.rc == 1);
  CHECK(broken.out.find("</div> closes <p>") != std::string::npos);
  CHECK(broken.out.find("class 'x' is not scoped") != std::string::npos);
  SitePage p = page_for("belgorod");
  std::string frag = render_site_page(p, PageFormat::HtmlFragment);
  CHECK(frag.rfind("<div class=\"triage-page\" lang=\"ru\">\n<p>", 0) == 0);
  CHECK(frag.substr(frag.size() - 7) == "</div>\n");
  for (const char* tag : {"<html", "<head", "<body", "<main", "<style", "<meta", "<title", "<h1", "<!DOCTYPE"}) {
    CHECK_MESSAGE(frag.find(tag) == std::string::npos, tag);
  }
  for (const std::string& v : attribute_values(frag, "class")) CHECK(v.rfind("triage-", 0) == 0);
  for (const std::string& v : attribute_values(frag, "id")) CHECK(v.rfind("triage-", 0) == 0);
  CHECK(attribute_values(frag, "id").size() == 4);  // three cases and the contacts
  // The same content as the page's <main>.
  std::string html = render_site_page(p, PageFormat::Html);
  std::size_t lead = html.find("<p>Большинство"), foot = html.find("</footer>");
  REQUIRE(lead != std::string::npos);
  REQUIRE(foot != std::string::npos);
  CHECK(frag.find(html.substr(lead, foot - lead)) != std::string::npos);
  // Every selector of the page's stylesheet: a document rule (*, body) or under .triage-page.
  std::size_t open = html.find("<style>") + 7, close = html.find("</style>");
  std::string css = html.substr(open, close - open);
  std::regex rule(R"(([^{}]+)\{[^{}]*\})");
  std::size_t scoped = 0;
  for (auto it = std::sregex_iterator(css.begin(), css.end(), rule); it != std::sregex_iterator(); ++it) {
    std::stringstream list((*it)[1].str());
    for (std::string sel; std::getline(list, sel, ',');) {
      INFO(sel);
      CHECK((sel == "*" || sel == "body" || sel.rfind(".triage-page", 0) == 0));
      scoped += sel.rfind(".triage-page", 0) == 0 ? 1 : 0;
    }
  }
  CHECK(scoped >= 10);
  // The CLI: --fragment only with HTML; --help says what it is.
  Run md = run_triage("export --rules " + kRules + " --format md --fragment");
  CHECK(md.rc == 2);
  CHECK(md.err == "triage export: --fragment только для --format html\n");
  Run help = run_triage("export --help", "COLUMNS=200 ");
  CHECK(help.rc == 0);
  CHECK(help.out.find("--fragment") != std::string::npos);
  CHECK(help.out.find("вставляют в страницу CMS") != std::string::npos);
}

TEST_CASE("cli export: writes the file whole, refuses bad input with exit 2") {
  fs::path dir = fs::temp_directory_path() / ("triage_export_" + std::to_string(getpid()));
  fs::create_directories(dir);
  fs::path out = dir / "page.html";
  Run r = run_triage("export --rules " + kRules + " --region belgorod --output '" + out.string() + "'");
  CHECK(r.rc == 0);
  CHECK(r.out.empty());
  std::string html = slurp(out);
  CHECK(html.find("(4722) 42-42-42") != std::string::npos);
  CHECK(html.substr(html.size() - 8) == "</html>\n");
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir)) files += e.is_regular_file() ? 1 : 0;
  CHECK(files == 1);  // no temporary left behind
  Run md = run_triage("export --rules " + kRules + " --format md");
  CHECK(md.rc == 0);
  CHECK(md.out.find("- Поддержка портала Госуслуг \\& справка: [8 800 100-70-10](<tel:+78001007010>)\n") !=
        std::string::npos);
  Run region = run_triage("export --rules " + kRules + " --region nowhere");
  CHECK(region.rc == 2);
  CHECK(region.err == "triage export: неизвестный регион 'nowhere'; известны: default, belgorod, tver\n");
  Run unwritable = run_triage("export --rules " + kRules + " --output '" + (dir / "no/such/dir/page.html").string() + "'");
  CHECK(unwritable.rc == 2);
  CHECK(unwritable.err.find("triage export: ") == 0);
  Run format = run_triage("export --rules " + kRules + " --format pdf --lang en");
  CHECK(format.rc == 2);
  CHECK(format.err == "triage export: unknown format 'pdf' (html | md)\n");
  fs::remove_all(dir);
}

// Every phone of the shipped contacts gets a dialable link: E.164 for full numbers, short numbers
// as they are; the national fallback of a regional key is not published as a contact (#12).
TEST_CASE("site export: tel: links in E.164 for every shipped phone; regional fallbacks not listed") {
  triage::LoadResult loaded = triage::load_rules(std::string(TRIAGE_SOURCE_DIR) + "/rules");
  REQUIRE(loaded.rules != nullptr);
  const triage::RuleSet& rules = *loaded.rules;
  std::size_t phones = 0;
  for (const auto& [region, dir] : rules.contacts) {
    for (const auto& [key, c] : dir.contacts) {
      if (c.kind != "phone") continue;
      ++phones;
      std::string href = triage::contact_href(c);
      INFO(region << "/" << key << " " << c.value << " -> " << href);
      std::string digits;
      for (char ch : c.value) if (ch >= '0' && ch <= '9') digits += ch;
      if (digits.size() <= 6) CHECK(href == "tel:" + digits);
      else CHECK(std::regex_match(href, std::regex(R"(tel:\+7\d{10})")));
    }
  }
  CHECK(phones >= 6);
  auto national = triage::build_site_page(loaded.rules, "default", triage::default_site_cases(), false);
  REQUIRE(national.has_value());
  for (const triage::PublishedContact& pc : national->contacts) {
    CHECK_FALSE(pc.contact.regional);
  }
  bool belgorod_cc = false;
  auto belgorod = triage::build_site_page(loaded.rules, "belgorod", triage::default_site_cases(), false);
  REQUIRE(belgorod.has_value());
  for (const triage::PublishedContact& pc : belgorod->contacts) {
    belgorod_cc = belgorod_cc || (pc.contact.key == "regional_cc" && pc.region == "belgorod");
  }
  CHECK(belgorod_cc);
}
