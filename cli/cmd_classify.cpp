// `triage classify "текст"`: rank the cases of a rule set for what a caller said.
#include <fmt/format.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "commands.h"
#include "common.h"
#include "config.h"
#include "triage/call_log_export.h"
#include "triage/classifier.h"
#include "triage/loader.h"
#include "triage/utf8.h"
#include "triage/json.h"

namespace po = boost::program_options;

namespace triage::cli {

namespace {

struct ClassifyArgs {
  std::string dir = default_rules_folder();  // the config's `rules`, else rules
  std::string format = "text";
  bool explain = false;
  double threshold = kDefaultClassifyThreshold;
  std::vector<std::string> words;  // the text, when given on the command line; with --train, the sets
  std::string lang;
  std::string model;  // --model FILE: this model instead of the rules folder's; "none": the scorer alone
  bool train = false;  // --train SET...: print a model trained on the labelled sets
};

void print_classify_help(const std::string& lang, const po::options_description& opts) {
  std::string usage = fmt::format("triage classify [\"{}\"] [--rules DIR] [--explain] [--format text|json] [--threshold X] "
                                  "[--model FILE|none]\n       triage classify --train {}... [--rules DIR] > DIR/classifier-model.tsv",
                                  tr(lang, "текст", "text"), tr(lang, "НАБОР.tsv", "SET.tsv"));
  print_help(lang, usage,
             "Подбирает сценарии по словам звонящего (без текста читает стандартный ввод). "
             "Учитываются первые 4096 байт. Код выхода: 0 — сценарий выбран, 1 — уверенность "
             "ниже порога, выбирает оператор, 2 — неверные параметры или правила не читаются.",
             "Ranks the cases for what a caller said (reads stdin when no text is given). "
             "Only the first 4096 bytes count. Exit 0: a case was picked, 1: nothing reached "
             "the threshold, the operator chooses, 2: bad arguments or unreadable rules.",
             opts);
}

// Parses argv into `a`; returns -1 to go on, or an exit code (help printed, usage error).
int parse_args(int argc, char** argv, ClassifyArgs& a) {
  std::string lang = interface_language("");
  po::options_description opts(tr(lang, "Параметры", "Options"));
  opts.add_options()
      ("help,h", tr(lang, "эта справка", "this help"))
      ("rules", po::value(&a.dir), tr(lang, "папка правил (rules)", "rules folder (rules)"))
      ("explain", po::bool_switch(&a.explain),
       tr(lang, "показать совпавшие слова и фразы", "show the matched words and phrases"))
      ("format", po::value(&a.format), "text | json")
      ("threshold", po::value(&a.threshold),
       tr(lang, "минимальная уверенность 0..1 (0.5)", "minimum confidence 0..1 (0.5)"))
      ("lang", po::value(&a.lang), "ru | en")
      ("model", po::value(&a.model),
       tr(lang, "файл модели вместо classifier-model.tsv правил; none — только ключевые слова",
          "model file instead of the rules' classifier-model.tsv; none: keywords only"))
      ("train", po::bool_switch(&a.train),
       tr(lang, "обучить модель на размеченных наборах (файлы вместо текста), вывести её",
          "train a model on the labelled sets (files instead of text) and print it"))
      ("text", po::value(&a.words), tr(lang, "текст", "text"));
  po::positional_options_description pos;
  pos.add("text", -1);
  po::variables_map vm;
  if (!parse_command_line("classify", argc, argv, opts, &pos, vm)) return kExitUsage;
  a.lang = interface_language(a.lang);
  if (vm.count("help")) {
    print_classify_help(a.lang, opts);
    return kExitOk;
  }
  if (a.format != "text" && a.format != "json") {
    fmt::print(stderr, "triage classify: {} '{}' (text | json)\n",
               tr(a.lang, "неизвестный формат", "unknown format"), escape_controls(a.format));
    return kExitUsage;
  }
  if (!(a.threshold >= 0.0 && a.threshold <= 1.0)) {  // also rejects NaN
    fmt::print(stderr, "triage classify: {}\n",
               tr(a.lang, "--threshold ожидает число от 0 до 1", "--threshold expects a number from 0 to 1"));
    return kExitUsage;
  }
  return -1;
}

// The caller's text: the command-line words joined by spaces, else stdin (only as much as the
// classifier reads, plus one byte so it can tell the text was cut).
std::string read_text(const ClassifyArgs& a) {
  std::string text;
  if (!a.words.empty()) {
    for (const auto& w : a.words) text += (text.empty() ? "" : " ") + w;
    return text;
  }
  char buf[1024];
  while (text.size() <= kMaxClassifyInputBytes) {
    std::size_t n = std::fread(buf, 1, sizeof buf, stdin);
    if (n == 0) break;
    text.append(buf, n);
  }
  return text;
}

const char* source_name(const std::string& lang, TermSource s) {
  switch (s) {
    case TermSource::Phrase: return tr(lang, "фраза", "phrase");
    case TermSource::Keyword: return tr(lang, "ключевое слово", "keyword");
    case TermSource::Title: return tr(lang, "название", "title");
    case TermSource::Description: return tr(lang, "описание", "description");
  }
  return "?";
}

std::string explain_line(const std::string& lang, const TermMatch& m) {
  std::string how;
  if (m.kind == MatchKind::Prefix) how = tr(lang, " (по началу слова)", " (by word start)");
  if (m.kind == MatchKind::Typo) how = tr(lang, " (опечатка)", " (typo)");
  std::string where = fmt::format("{} «{}»", source_name(lang, m.source), m.rule_text);
  if (m.term != m.rule_text) where = fmt::format("«{}», {}", m.term, where);
  return fmt::format("      {} → {} → {}{}{} +{:.2f}", m.input, m.stem, where,
                     m.pair ? tr(lang, " (пара слов)", " (word pair)") : "", how, m.weight);
}

void print_text(const ClassifyArgs& a, const Classification& r) {
  const std::string& lang = a.lang;
  fmt::print("{} ({} {:.2f}):\n", tr(lang, "Сценарии по словам звонящего", "Cases for what the caller said"),
             tr(lang, "порог уверенности", "confidence threshold"), a.threshold);
  for (const auto& c : r.ranked) {
    // A case over the threshold that was not picked: its words belong to a picked case (the
    // keyword scorer's reason; the model has its own, shown as its probability).
    bool explained = !r.model && !r.off_topic && !c.picked && c.confidence >= a.threshold &&
                     c.case_id != kOffTopicCase;
    std::string model = r.model ? fmt::format("  ({} {:.2f})", tr(lang, "по примерам звонков", "by past calls"),
                                              c.probability)
                                : "";
    fmt::print("  {} {:.2f}  {}  [{}]{}{}\n", c.picked ? "*" : " ", c.confidence,
               escape_controls(c.title), c.case_id, model,
               explained ? tr(lang, " — эти слова уже объяснены выбранным сценарием",
                              " — these words are explained by a picked case")
                         : "");
    if (!a.explain) continue;
    for (const auto& m : c.matches) fmt::print("{}\n", escape_controls(explain_line(lang, m)));
  }
  if (r.off_topic) {
    fmt::print("{}\n", tr(lang, "Похоже, вопрос не об учётной записи. Оператор выбирает сценарий сам.",
                          "This looks like a question not about the account. The operator chooses."));
    return;
  }
  if (r.picked.empty()) {
    fmt::print("{}\n", tr(lang, "Автоматически ничего не выбрано: уверенность ниже порога. "
                                "Оператор выбирает сценарий сам.",
                          "Nothing picked: no case reached the threshold. The operator chooses."));
    return;
  }
  std::string ids;
  for (const auto& id : r.picked) ids += (ids.empty() ? "" : ", ") + id;
  fmt::print("{}: {}\n", tr(lang, "Выбрано (*)", "Picked (*)"), ids);
}

void print_json(const ClassifyArgs& a, const Classification& r) {
  std::string out =
      fmt::format("{{\"threshold\":{},\"truncated\":{},\"words\":{},\"model\":{},\"off_topic\":{},\"picked\":[",
                  a.threshold, r.truncated, r.words, r.model, r.off_topic);
  for (std::size_t i = 0; i < r.picked.size(); ++i) {
    if (i > 0) out += ',';
    append_json_string(out, r.picked[i]);
  }
  out += "],\"cases\":[";
  for (std::size_t i = 0; i < r.ranked.size(); ++i) {
    const CaseScore& c = r.ranked[i];
    out += i > 0 ? ",{\"id\":" : "{\"id\":";
    append_json_string(out, c.case_id);
    out += ",\"title\":";
    append_json_string(out, c.title);
    out += fmt::format(
        ",\"score\":{:.4f},\"confidence\":{:.4f},\"own_confidence\":{:.4f},\"probability\":{:.4f},"
        "\"picked\":{},\"matches\":[",
        c.score, c.confidence, c.own_confidence, c.probability, c.picked);
    for (std::size_t j = 0; j < c.matches.size(); ++j) {
      const TermMatch& m = c.matches[j];
      out += j > 0 ? ",{\"input\":" : "{\"input\":";
      append_json_string(out, m.input);
      out += ",\"stem\":";
      append_json_string(out, m.stem);
      out += ",\"term\":";
      append_json_string(out, m.term);
      out += ",\"rule_text\":";
      append_json_string(out, m.rule_text);
      out += fmt::format(",\"source\":\"{}\",\"kind\":\"{}\",\"pair\":{},\"weight\":{:.4f}}}",
                         to_string(m.source), to_string(m.kind), m.pair, m.weight);
    }
    out += "]}";
  }
  out += "]}\n";
  fmt::print("{}", out);
}

bool read_whole_file(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) return false;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  *out = bytes.str();
  return !in.bad();
}

// `--train SET...`: the model trained on the labelled sets, on stdout.
int train_model(const ClassifyArgs& a, const Classifier& classifier) {
  if (a.words.empty()) {
    fmt::print(stderr, "triage classify: {}\n", tr(a.lang, "--train ожидает размеченные наборы (.tsv)",
                                                   "--train expects labelled sets (.tsv)"));
    return kExitUsage;
  }
  std::vector<LabelledLine> lines;
  std::string sets;
  for (const auto& path : a.words) {
    std::string text;
    if (!read_whole_file(path, &text)) {
      fmt::print(stderr, "triage classify: {}: {}\n", escape_controls(path),
                 tr(a.lang, "файл не читается", "cannot read the file"));
      return kExitUsage;
    }
    auto parsed = parse_labelled(text, path);
    if (!parsed) {
      fmt::print(stderr, "triage classify: {}\n", escape_controls(parsed.status().message()));
      return kExitUsage;
    }
    lines.insert(lines.end(), parsed->begin(), parsed->end());
    sets += " " + path;
  }
  auto model = classifier.train(lines, {"The supervised model of `triage classify` (docs/classifier.md). Generated, do not edit:",
                                        "triage classify --train" + sets,
                                        fmt::format("{} labelled lines.", lines.size())});
  if (!model) {
    fmt::print(stderr, "triage classify: {}\n", escape_controls(model.status().message()));
    return kExitUsage;
  }
  fmt::print("{}", *model);
  return kExitOk;
}

// `--model FILE|none`: replaces the rules folder's model.
bool use_model_option(const ClassifyArgs& a, Classifier& classifier) {
  std::string text;
  if (a.model != "none" && !read_whole_file(a.model, &text)) {
    fmt::print(stderr, "triage classify: {}: {}\n", escape_controls(a.model),
               tr(a.lang, "файл модели не читается", "cannot read the model file"));
    return false;
  }
  Status st = classifier.set_model(text);
  if (!st) {
    fmt::print(stderr, "triage classify: {}: {}\n", escape_controls(a.model), escape_controls(st.message()));
    return false;
  }
  return true;
}

}  // namespace

int cmd_classify(int argc, char** argv) {
  ClassifyArgs a;
  if (int rc = parse_args(argc, argv, a); rc >= 0) return rc;
  LoadResult loaded = load_rules(a.dir);
  if (!loaded.rules || loaded.diagnostics.has_errors()) {
    if (loaded.rules) loaded.diagnostics.set_sources(&loaded.rules->files);
    fmt::print(stderr, "{}", format_text(loaded.diagnostics, use_color(STDERR_FILENO)));
    fmt::print(stderr, "triage classify: {} {}\n",
               tr(a.lang, "правила не загружены; подробнее: triage check", "rules not loaded; see triage check"),
               escape_controls(a.dir));
    return kExitUsage;
  }
  auto classifier = Classifier::build(*loaded.rules);
  if (!classifier) {
    fmt::print(stderr, "triage classify: {}\n", classifier.status().message());
    return kExitUsage;
  }
  if (a.train) return train_model(a, *classifier);
  if (!a.model.empty() && !use_model_option(a, *classifier)) return kExitUsage;
  ClassifyOptions options;
  options.threshold = a.threshold;
  Classification r = classifier->classify(read_text(a), options);
  if (r.truncated) {
    fmt::print(stderr, "triage classify: {}\n",
               tr(a.lang, "текст длиннее 4096 байт: учтено только начало",
                  "text longer than 4096 bytes: only the start was read"));
  }
  if (a.format == "json") print_json(a, r);
  else print_text(a, r);
  return r.picked.empty() ? kExitFailure : kExitOk;
}

}  // namespace triage::cli
