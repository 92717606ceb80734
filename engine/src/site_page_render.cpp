// Renders the municipality page model (site_export.h) as a whole HTML page, an HTML fragment
// for a CMS, or Markdown; the escaping both need.
#include <cstring>
#include <string>

#include <fmt/format.h>

#include "triage/site_export.h"

namespace triage {

namespace {

const char* const kPageTitle = "Учётная запись на Госуслугах: как подтвердить или восстановить её самостоятельно";
const char* const kLead =
    "Большинство проблем с учётной записью на портале Госуслуг можно решить самостоятельно, "
    "не выходя из дома. Ниже перечислены способы подтвердить или восстановить учётную запись "
    "и контакты, по которым можно обратиться на Вашей территории.";
const char* const kContactsHeading = "Куда обращаться";

// The whole page's own document rules; the fragment goes without them.
const char* const kDocumentCss =
    "*{box-sizing:border-box}"
    "body{margin:0;font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,Arial,sans-serif;"
    "line-height:1.5;color:#1a1a1a;background:#fff;-webkit-text-size-adjust:100%}";
// The content block's rules: every selector under .triage-page, every class triage-*.
const char* const kContentCss =
    ".triage-page{max-width:44rem;margin:0 auto;padding:1rem}"
    ".triage-page h1{font-size:1.45rem;line-height:1.25;margin:.5rem 0 1rem}"
    ".triage-page h2{font-size:1.2rem;margin:2rem 0 .5rem;padding-bottom:.25rem;border-bottom:2px solid #0d4cd3}"
    ".triage-page h3{font-size:1.05rem;margin:0 0 .25rem}"
    ".triage-page p,.triage-page li{overflow-wrap:anywhere}"
    ".triage-page .triage-way{background:#f3f6fb;border-radius:.5rem;padding:.75rem 1rem;margin:.75rem 0}"
    ".triage-page .triage-when{color:#4a4a4a;font-size:.95rem;margin:0 0 .25rem}"
    ".triage-page ol{padding-left:1.25rem;margin:.25rem 0}"
    ".triage-page .triage-contacts{list-style:none;padding:0;margin:0}"
    ".triage-page .triage-contacts li{padding:.6rem 0;border-bottom:1px solid #e0e0e0}"
    ".triage-page .triage-value{display:block;font-size:1.1rem;font-weight:600}"
    ".triage-page a{color:#0d4cd3}"
    ".triage-page .triage-footer{margin-top:2.5rem;font-size:.8rem;color:#666;overflow-wrap:anywhere}"
    "@media (min-width:40rem){.triage-page{padding:2rem}.triage-page h1{font-size:1.9rem}}";

// "3 декабря 2026 г." for a YYYY-MM-DD or YYYY.MM.DD date; "" when `s` is not such a date.
std::string human_date(const std::string& s) {
  static const char* const kMonths[] = {"января", "февраля", "марта",    "апреля",  "мая",    "июня",
                                        "июля",   "августа", "сентября", "октября", "ноября", "декабря"};
  bool shape = s.size() == 10 && (s[4] == '-' || s[4] == '.') && s[7] == s[4];
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) shape = shape && s[i] >= '0' && s[i] <= '9';
  if (!shape) return "";
  int month = std::stoi(s.substr(5, 2)), day = std::stoi(s.substr(8, 2));
  if (month < 1 || month > 12 || day < 1 || day > 31) return "";
  return fmt::format("{} {} {} г.", day, kMonths[month - 1], s.substr(0, 4));
}

// The rule-set version as a citizen reads it: "редакция от 23 ноября 2026 г." for a date-like
// version, else "версия 7.1".
std::string version_words(const std::string& version) {
  std::string date = human_date(version);
  return date.empty() ? "версия " + version : "редакция от " + date;
}

// The footer a citizen reads: when the ways were last checked, from which rules, which region.
// The content hash is for traceability only: a data attribute (HTML) or a comment (Markdown).
std::string generated_from(const SitePage& p) {
  std::string out;
  if (std::string date = human_date(p.reviewed); !date.empty()) out = fmt::format("Сведения проверены {} ", date);
  out += fmt::format("Страница подготовлена автоматически по правилам «{}»", p.rules_title);
  if (!p.rules_version.empty()) out += ", " + version_words(p.rules_version);
  if (out.back() != '.') out += '.';
  if (p.region != "default") out += fmt::format(" Регион: {}.", p.region_title.empty() ? p.region : p.region_title);
  return out;
}

std::string contacts_title(const SitePage& p, const std::string& region) {
  if (region == "default") return "Общероссийские контакты";
  return p.region_title.empty() ? "Контакты региона" : p.region_title;
}

// ---- HTML
// Class names and ids carry a "triage-" prefix, so the content block pasted into a CMS page
// (the fragment) neither picks up nor overrides the site's rules for common names.

void html_way(std::string& out, const SelfServiceWay& w) {
  out += "<div class=\"triage-way\">\n";
  out += fmt::format("<h3>{}</h3>\n", html_escape(w.heading));
  if (!w.when.empty()) out += fmt::format("<p class=\"triage-when\">{}</p>\n", html_escape(w.when));
  out += "<ol>\n";
  for (const std::string& line : w.lines) out += fmt::format("<li>{}</li>\n", html_escape(line));
  out += "</ol>\n</div>\n";
}

void html_contact(std::string& out, const Contact& c) {
  std::string href = contact_href(c);
  out += fmt::format("<li>{}", html_escape(c.label.empty() ? c.key : c.label));
  if (href.empty()) out += fmt::format("<span class=\"triage-value\">{}</span>", html_escape(c.value));
  else out += fmt::format("<a class=\"triage-value\" href=\"{}\">{}</a>", html_escape(href), html_escape(c.value));
  out += "</li>\n";
}

void html_contacts(std::string& out, const SitePage& p) {
  out += fmt::format("<section id=\"triage-contacts\">\n<h2>{}</h2>\n", kContactsHeading);
  std::string current = "\x01";
  for (const PublishedContact& pc : p.contacts) {
    if (pc.region != current) {
      if (current != "\x01") out += "</ul>\n";
      current = pc.region;
      out += fmt::format("<h3>{}</h3>\n<ul class=\"triage-contacts\">\n", html_escape(contacts_title(p, pc.region)));
    }
    html_contact(out, pc.contact);
  }
  if (current != "\x01") out += "</ul>\n";
  out += "</section>\n";
}

// The rules' content hash for whoever traces a published page back to its rules; not text.
std::string hash_attribute(const SitePage& p) {
  return p.content_hash.empty() ? "" : fmt::format(" data-rules-hash=\"{}\"", html_escape(p.content_hash));
}

// The content block, one root element: the page's <main>, the fragment's <div>. The fragment
// has no <h1>: on a CMS page the page's own title is the <h1>.
std::string html_content(const SitePage& p, const char* root, bool with_title) {
  std::string out = fmt::format("<{} class=\"triage-page\" lang=\"ru\">\n", root);
  if (with_title) out += fmt::format("<h1>{}</h1>\n", html_escape(kPageTitle));
  out += fmt::format("<p>{}</p>\n", html_escape(kLead));
  for (const SelfServiceSection& sec : p.sections) {
    out += fmt::format("<section id=\"triage-{}\">\n<h2>{}</h2>\n", html_escape(sec.case_id), html_escape(sec.title));
    for (const SelfServiceWay& w : sec.ways) html_way(out, w);
    out += "</section>\n";
  }
  html_contacts(out, p);
  out += fmt::format("<footer class=\"triage-footer\"{}><p>{}</p></footer>\n", hash_attribute(p),
                     html_escape(generated_from(p)));
  out += fmt::format("</{}>\n", root);
  return out;
}

std::string render_html(const SitePage& p) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"ru\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += fmt::format("<title>{}</title>\n<style>{}{}</style>\n</head>\n<body>\n", html_escape(kPageTitle),
                     kDocumentCss, kContentCss);
  out += html_content(p, "main", true);
  out += "</body>\n</html>\n";
  return out;
}

// Only the content block, to paste into a CMS page: no document, head, title, <h1> or
// stylesheet (the site's theme applies; a stylesheet in the body is not valid HTML).
std::string render_html_fragment(const SitePage& p) { return html_content(p, "div", false); }

// ---- Markdown

// Text safe inside an HTML comment: no "--", no ">".
std::string markdown_comment(std::string s) {
  for (char& c : s) {
    if (c == '-' || c == '>' || c == '<') c = '_';
  }
  return s;
}

std::string render_markdown(const SitePage& p) {
  std::string out = fmt::format("# {}\n\n{}\n", markdown_escape(kPageTitle), markdown_escape(kLead));
  for (const SelfServiceSection& sec : p.sections) {
    out += fmt::format("\n## {}\n\n", markdown_escape(sec.title));
    for (const SelfServiceWay& w : sec.ways) {
      out += fmt::format("### {}\n\n", markdown_escape(w.heading));
      if (!w.when.empty()) out += fmt::format("*{}*\n\n", markdown_escape(w.when));
      for (std::size_t j = 0; j < w.lines.size(); ++j) {
        out += fmt::format("{}. {}\n", j + 1, markdown_escape(w.lines[j]));
      }
      out += "\n";
    }
  }
  out += fmt::format("\n## {}\n", kContactsHeading);
  std::string current = "\x01";
  for (const PublishedContact& pc : p.contacts) {
    if (pc.region != current) {
      current = pc.region;
      out += fmt::format("\n### {}\n\n", markdown_escape(contacts_title(p, pc.region)));
    }
    const Contact& c = pc.contact;
    std::string href = contact_href(c);
    std::string value = href.empty() ? "**" + markdown_escape(c.value) + "**"
                                     : fmt::format("[{}](<{}>)", markdown_escape(c.value), href);
    out += fmt::format("- {}: {}\n", markdown_escape(c.label.empty() ? c.key : c.label), value);
  }
  out += fmt::format("\n---\n\n*{}*\n", markdown_escape(generated_from(p)));
  if (!p.content_hash.empty()) out += fmt::format("\n<!-- rules {} -->\n", markdown_comment(p.content_hash));
  return out;
}

}  // namespace

std::string render_site_page(const SitePage& page, PageFormat format) {
  switch (format) {
    case PageFormat::Html: return render_html(page);
    case PageFormat::HtmlFragment: return render_html_fragment(page);
    case PageFormat::Markdown: return render_markdown(page);
  }
  return render_html(page);
}

}  // namespace triage
