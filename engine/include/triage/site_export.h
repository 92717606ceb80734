// The municipality's web page: how citizens confirm or restore their Gosuslugi account on their
// own, and whom to contact in their territory, generated from the same rules the operators
// read so the page never drifts from what they say. Selection rules: docs/authoring.md.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "triage/escape.h"  // html_escape, markdown_escape
#include "triage/output_file.h"  // write_output_file
#include "triage/rule_set.h"
#include "triage/status.h"

namespace triage {

// Html: a whole page; HtmlFragment: only its content block, for pasting into a CMS page
// (docs/authoring.md); Markdown: the same content as Markdown.
enum class PageFormat { Html, HtmlFragment, Markdown };

struct ExportOptions {
  PageFormat format = PageFormat::Html;
  std::string region = "default";  // contacts overlay and the `region` context value
};

// One self-service way: an outcome script as the citizen should read it.
struct SelfServiceWay {
  std::string outcome_code;
  // "Способ N. <what it is>": the outcome's title, else the facts the way needs (the bank's
  // name), else the answer that leads there; unique on the page.
  std::string heading;
  std::string when;                // "question — answer" pairs that lead there, or empty
  std::vector<std::string> lines;  // rendered script lines
  std::string reviewed;            // the outcome's `reviewed:` date (YYYY-MM-DD), or empty
};

struct SelfServiceSection {
  std::string case_id;
  std::string title;
  std::string description;
  std::vector<SelfServiceWay> ways;
};

// A contact as published: regional overlay entries first, then national ones not overridden.
struct PublishedContact {
  std::string region;  // the directory it comes from ("default" = national)
  Contact contact;
};

struct SitePage {
  std::string region;
  std::string region_title;  // the overlay's title, or the national directory's
  std::vector<SelfServiceSection> sections;
  std::vector<PublishedContact> contacts;
  std::string rules_title, rules_version, content_hash;
  std::string reviewed;  // the latest `reviewed:` of the ways shown (YYYY-MM-DD), or empty
};

// The cases published by default: the instruction's three problems and the restore after a
// phone change (docs/authoring.md). Ids missing from a rule set are skipped.
const std::vector<std::string>& default_site_cases();

// Builds the page model from the self-service outcomes of `cases` a caller of `region` can
// reach (the walks of paths.h; docs/authoring.md), in the order given. Errors: "unknown-region"
// (with did-you-mean) when `region` is neither a contacts directory nor a declared value of the
// `region` variable; "unknown-case" when a case of `cases` is not in the rules (with
// did-you-mean) and `cases_required`; "too-many-contexts" from the path enumeration.
Expected<SitePage> build_site_page(const std::shared_ptr<const RuleSet>& rules, const std::string& region,
                                   const std::vector<std::string>& cases, bool cases_required);

// Renders the page: HTML (self-contained, inline CSS, no external resources, escaped), the
// HTML content block alone (one <div class="triage-page">, triage-* classes, no styles) or Markdown.
std::string render_site_page(const SitePage& page, PageFormat format);

// The href for a contact, or "" when it gets none: tel: for phones, http(s) URLs as given.
std::string contact_href(const Contact& c);


}  // namespace triage
