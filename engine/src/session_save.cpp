// Session snapshots: save() and restore(). The format is specified in docs/session.md:
//
//   {"v":1,"rules":"sha256:…","case":"ID","ctx":{"name":"value",…},"actions":["a:0","p","i:…","m:…","b","r"]}
//
// A small writer and a strict, bounded reader of exactly this JSON subset: the reader never
// recurses deeper than two levels and never reads past the text, so garbage gives "bad-state".
#include <fmt/format.h>

#include <cstdint>
#include <map>

#include "session_state.h"
#include "triage/utf8.h"

namespace triage {

namespace {

constexpr int kSaveVersion = 1;
constexpr std::size_t kMaxSavedBytes = 16u << 20;
constexpr std::size_t kMaxActions = 1000000;

void put_string(std::string& out, std::string_view s) {
  out += '"';
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '"') out += "\\\"";
    else if (c == '\\') out += "\\\\";
    else if (c < 0x20 || c == 0x7F) out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    else out += ch;
  }
  out += '"';
}

std::string encode(const SessionAction& a) {
  switch (a.kind) {
    case SessionAction::Kind::Answer: return fmt::format("a:{}", a.option);
    case SessionAction::Kind::Proceed: return "p";
    case SessionAction::Kind::Input: return "i:" + a.value;
    case SessionAction::Kind::MaskedInput: return "m:" + a.value;
    case SessionAction::Kind::Back: return "b";
    case SessionAction::Kind::Restart: return "r";
    case SessionAction::Kind::Fact: return "f:" + a.value;
    case SessionAction::Kind::Correct: return "c:" + a.value;
    case SessionAction::Kind::Switch: return "s:" + a.value;
  }
  return "?";
}

// What restore() reads back.
struct Saved {
  long version = 0;
  std::string rules;
  std::string case_id;
  std::map<std::string, std::string> ctx;
  std::vector<std::string> actions;
};

class Reader {
 public:
  explicit Reader(std::string_view text) : s_(text) {}

  // Parses the whole text; false with `error()` set on anything unexpected.
  bool read(Saved& out) {
    if (!lit('{')) return false;
    std::map<std::string, bool> seen;
    for (bool first = true;; first = false) {
      if (first && peek('}')) break;
      std::string key;
      if (!str(key) || !lit(':')) return false;
      if (seen[key]) return fail("duplicate key \"" + key + "\"");
      seen[key] = true;
      if (!field(key, out)) return false;
      if (peek(',')) { ++i_; continue; }
      break;
    }
    if (!lit('}')) return false;
    ws();
    if (i_ != s_.size()) return fail("trailing text");
    for (const char* k : {"v", "rules", "case", "ctx", "actions"}) {
      if (!seen[k]) return fail(std::string("missing key \"") + k + "\"");
    }
    return true;
  }
  const std::string& error() const { return error_; }

 private:
  bool field(const std::string& key, Saved& out) {
    if (key == "v") return integer(out.version);
    if (key == "rules") return str(out.rules);
    if (key == "case") return str(out.case_id);
    if (key == "ctx") return string_map(out.ctx);
    if (key == "actions") return string_list(out.actions);
    return fail("unknown key \"" + escape_controls(key) + "\"");
  }

  bool fail(std::string msg) {
    if (error_.empty()) error_ = fmt::format("{} at byte {}", msg, i_);
    return false;
  }
  void ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\t' || s_[i_] == '\r')) ++i_;
  }
  bool peek(char c) {
    ws();
    return i_ < s_.size() && s_[i_] == c;
  }
  bool lit(char c) {
    if (!peek(c)) return fail(fmt::format("expected '{}'", c));
    ++i_;
    return true;
  }

  bool integer(long& out) {
    ws();
    std::size_t b = i_;
    out = 0;
    while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9' && i_ - b < 9) out = out * 10 + (s_[i_++] - '0');
    if (i_ == b) return fail("expected a number");
    return true;
  }

  bool str(std::string& out) {
    if (!lit('"')) return false;
    out.clear();
    while (i_ < s_.size()) {
      auto c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') { ++i_; return valid_utf8(out) || fail("invalid UTF-8 in a string"); }
      if (c < 0x20) return fail("raw control character in a string");
      if (c != '\\') { out += s_[i_++]; continue; }
      if (!escape(out)) return false;
    }
    return fail("unterminated string");
  }

  bool escape(std::string& out) {
    if (i_ + 1 >= s_.size()) return fail("unterminated string");
    char e = s_[i_ + 1];
    i_ += 2;
    if (e == '"' || e == '\\' || e == '/') { out += e; return true; }
    if (e != 'u' || i_ + 4 > s_.size()) return fail("bad escape");
    unsigned v = 0;
    for (int k = 0; k < 4; ++k) {
      char h = s_[i_++];
      unsigned d = h >= '0' && h <= '9' ? static_cast<unsigned>(h - '0')
                 : h >= 'a' && h <= 'f' ? static_cast<unsigned>(h - 'a' + 10)
                 : h >= 'A' && h <= 'F' ? static_cast<unsigned>(h - 'A' + 10) : 16u;
      if (d > 15) return fail("bad escape");
      v = v * 16 + d;
    }
    // The writer only escapes ASCII control characters.
    if (v >= 0x80) return fail("unsupported escape");
    out += static_cast<char>(v);
    return true;
  }

  bool string_map(std::map<std::string, std::string>& out) {
    if (!lit('{')) return false;
    if (peek('}')) { ++i_; return true; }
    while (true) {
      std::string k, v;
      if (!str(k) || !lit(':') || !str(v)) return false;
      if (!out.emplace(std::move(k), std::move(v)).second) return fail("duplicate context variable");
      if (peek(',')) { ++i_; continue; }
      return lit('}');
    }
  }

  bool string_list(std::vector<std::string>& out) {
    if (!lit('[')) return false;
    if (peek(']')) { ++i_; return true; }
    while (true) {
      std::string v;
      if (!str(v)) return false;
      if (out.size() >= kMaxActions) return fail("too many actions");
      out.push_back(std::move(v));
      if (peek(',')) { ++i_; continue; }
      return lit(']');
    }
  }

  std::string_view s_;
  std::size_t i_ = 0;
  std::string error_;
};

Status bad_state(const std::string& why) {
  return Status::error("bad-state", "сохранённое состояние повреждено: " + why);
}

// Digits visible in a masked value; a mask never shows more than four.
std::size_t digit_count(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += c >= '0' && c <= '9';
  return n;
}

}  // namespace

std::string Session::save() const {
  std::string out = fmt::format("{{\"v\":{},\"rules\":", kSaveVersion);
  put_string(out, st_->rules->content_hash);
  out += ",\"case\":";
  put_string(out, st_->case_id);
  out += ",\"ctx\":{";
  bool first = true;
  for (const auto& [name, value] : st_->start_ctx->all()) {
    if (!first) out += ',';
    first = false;
    put_string(out, name);
    out += ':';
    put_string(out, value);
  }
  out += "},\"actions\":[";
  for (std::size_t i = 0; i < st_->actions.size(); ++i) {
    if (i) out += ',';
    put_string(out, encode(st_->actions[i]));
  }
  out += "]}";
  return out;
}

namespace {

// Parses and checks the saved text; `check_hash` refuses another rule set ("rules-changed").
Status parse_saved(const RuleSet& rules, std::string_view saved, bool check_hash, Saved& in) {
  if (saved.size() > kMaxSavedBytes) return bad_state("слишком длинный текст");
  Reader reader(saved);
  if (!reader.read(in)) return bad_state(reader.error());
  if (in.version != kSaveVersion) return bad_state(fmt::format("unsupported version {}", in.version));
  if (check_hash && in.rules != rules.content_hash) {
    return Status::error("rules-changed", fmt::format("правила изменились после сохранения (было {}, сейчас {})",
                                                      escape_controls(in.rules), rules.content_hash));
  }
  return Status::ok();
}

}  // namespace

// Replays one saved action on `ses`; a non-ok status says why it no longer fits.
Status Session::replay_action(Session& ses, const std::string& a) {
  if (a == "p") return ses.proceed();
  if (a == "b") return ses.back();
  if (a == "r") return ses.restart();
  if (a.rfind("a:", 0) == 0) {
    std::string_view n = std::string_view(a).substr(2);
    if (n.empty() || n.size() > 6 || n.find_first_not_of("0123456789") != std::string_view::npos) {
      return Status::error("bad-state", "bad option number");
    }
    return ses.answer(static_cast<std::size_t>(std::stoul(std::string(n))));
  }
  if (a.rfind("i:", 0) == 0) {
    ValidationResult r = ses.input(std::string_view(a).substr(2));
    return r.ok ? Status::ok() : Status::error("invalid-input", r.message);
  }
  if (a.rfind("f:", 0) == 0 || a.rfind("c:", 0) == 0) {
    std::string_view body = std::string_view(a).substr(2);
    std::size_t eq = body.find('=');
    if (eq == std::string_view::npos) return Status::error("bad-state", "a fact without a value");
    std::string_view var = body.substr(0, eq), value = body.substr(eq + 1);
    if (a[0] == 'c') return ses.correct(var, value);
    const View& v = ses.view();
    if (v.fact != var) return Status::error("bad-state", "no question for this fact here");
    const VarDecl* d = ses.rules().find_var(var);
    for (std::size_t i = 0; d && d->ask && i < d->ask->options.size(); ++i) {
      if (d->ask->options[i].value == value) return ses.answer(i);
    }
    return Status::error("bad-state", "no such answer to the fact question");
  }
  if (a.rfind("s:", 0) == 0) return ses.switch_case(std::string_view(a).substr(2));
  if (a.rfind("m:", 0) == 0) {
    const Node* n = nullptr;
    if (Status at = ses.st_->at_input(n); !at) return at;
    std::string masked = a.substr(2);
    if (!is_personal_data(n->input.validator) || digit_count(masked) > 4) {
      return Status::error("bad-state", "a masked value where none is expected");
    }
    return ses.st_->do_input(masked);
  }
  return Status::error("bad-state", "unknown action");
}

Expected<Session> Session::restore(std::shared_ptr<const RuleSet> rules, std::string_view saved) {
  if (!rules) return Status::error("no-rules", "правила не загружены");
  Saved in;
  if (Status p = parse_saved(*rules, saved, true, in); !p) return p;
  Context ctx;
  for (auto& [k, v] : in.ctx) ctx.set(k, v);
  Expected<Session> s = start(std::move(rules), in.case_id, std::move(ctx));
  if (!s) return bad_state(s.status().message());
  for (std::size_t i = 0; i < in.actions.size(); ++i) {
    Status r = replay_action(*s, in.actions[i]);
    if (!r) return bad_state(fmt::format("action {} \"{}\": {}", i + 1, escape_controls(in.actions[i]), r.message()));
  }
  return s;
}

Expected<Session> Session::replay_saved(std::shared_ptr<const RuleSet> rules, std::string_view saved,
                                        std::size_t* stuck_at, Status* why) {
  *stuck_at = SIZE_MAX;
  *why = Status::ok();
  if (!rules) return Status::error("no-rules", "правила не загружены");
  Saved in;
  if (Status p = parse_saved(*rules, saved, false, in); !p) return p;
  Context ctx;
  for (auto& [k, v] : in.ctx) ctx.set(k, v);
  Expected<Session> s = start(std::move(rules), in.case_id, std::move(ctx));
  if (!s) return s.status();  // unknown-case, bad-context: the rules no longer take this call
  for (std::size_t i = 0; i < in.actions.size(); ++i) {
    Status r = replay_action(*s, in.actions[i]);
    if (!r) {
      *stuck_at = i;
      *why = r;
      break;
    }
  }
  return s;
}

}  // namespace triage
