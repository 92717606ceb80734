#include "call_log_cli.h"

#include <fmt/format.h>

#include <algorithm>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <string>

#include "common.h"
#include "config.h"
#include "triage/call_log_open.h"
#include "triage/date.h"
#include "triage/utf8.h"

namespace po = boost::program_options;

namespace triage::cli {

std::string call_log_error_text(const Status& s, const std::string& lang) {
  if (lang == "en") return s.message();
  return call_log_error_lead(s, lang) + " (" + s.message() + ")";
}

std::string call_log_error_lead(const Status& s, const std::string& lang) {
  if (lang == "en") return s.message();
  const std::string& c = s.code();
  std::string lead;
  if (c == "busy") lead = "журнал звонков занят другим процессом дольше времени ожидания";
  else if (c == "read-only") lead = "журнал звонков доступен только для чтения: проверьте права на файл и его папку";
  else if (c == "not-a-database") lead = "файл не является журналом звонков";
  else if (c == "schema-too-new") lead = "журнал звонков создан более новой версией triage; файл не изменён, обновите triage";
  else if (c == "corrupt") lead = "журнал звонков повреждён";
  else if (c == "not-found") lead = "звонок не найден";
  else if (c == "not-open") lead = "звонок уже закрыт";
  else if (c == "open-call") lead = "звонок ещё открыт, его нельзя удалить: сначала продолжите его (triage resume) и завершите";
  else if (c == "io") lead = "не удалось записать журнал звонков: нет места на диске или ошибка ввода-вывода";
  else if (c == "no-connection") lead = "нет связи с сервером журнала звонков (PostgreSQL): проверьте адрес в --db, что сервер запущен и доступен по сети";
  else if (c == "leased") lead = "звонок открыт в другом терминале";
  else if (c == "bad-secret") lead = "файл секрета повреждён";
  else if (c == "unsupported") lead = "эта сборка triage не поддерживает журнал в PostgreSQL";
  else lead = "ошибка журнала звонков";
  return lead;
}

std::unique_ptr<CallLog> open_call_log_or_report(const std::string& db_flag, const std::string& lang,
                                                 const char* prog, bool use_config, bool create) {
  std::string spec = db_flag;
  if (spec.empty() && use_config) {
    auto cfg = load_config("");
    if (!cfg) {
      fmt::print(stderr, "{}: {}\n", prog, escape_controls(cfg.status().message()));
      return nullptr;
    }
    spec = cfg->get("db");
  }
  if (!create && call_log_backend(spec) == CallLogBackend::Sqlite) {
    std::string file = sqlite_call_log_file(spec);
    if (file.empty()) {
      auto def = default_call_log_path();
      if (def) file = *def;
    }
    std::error_code ec;
    auto size = std::filesystem::file_size(file, ec);
    if (ec || size == 0) {
      fmt::print(stderr, "{}: {}: {}\n", prog, escape_controls(file),
                 ec ? tr(lang, "журнала звонков нет (журнал создаёт triage call); проверьте --db",
                         "no call log there (triage call creates one); check --db")
                    : tr(lang, "файл пуст: это не журнал звонков", "the file is empty: not a call log"));
      return nullptr;
    }
  }
  // A postgresql:// URI opens the server log; a path (or nothing: the default file) SQLite.
  auto log = open_call_log(spec);
  if (!log) {
    fmt::print(stderr, "{}: {}\n", prog, call_log_error_text(log.status(), lang));
    return nullptr;
  }
  return std::move(*log);
}

void add_filter_options(po::options_description& desc, const std::string& lang) {
  desc.add_options()
      ("since", po::value<std::string>(), tr(lang, "с этого дня (ГГГГ-ММ-ДД)", "from this day (YYYY-MM-DD)"))
      ("until", po::value<std::string>(), tr(lang, "по этот день включительно", "up to this day, inclusive"))
      ("operator", po::value<std::string>(), tr(lang, "только звонки оператора", "only this operator's calls"))
      ("case", po::value<std::string>(), tr(lang, "только этот сценарий", "only this case"))
      ("outcome", po::value<std::string>(), tr(lang, "только этот итог (код)", "only this outcome code"))
      ("status", po::value<std::string>(), tr(lang, "open | completed | aborted", "open | completed | aborted"))
      ("limit", po::value<long long>(), tr(lang, "не больше N звонков", "at most N calls"));
}

bool check_day(const std::string& v, const std::string& lang, std::string* error) {
  if (v.empty() || is_valid_day(v)) return true;
  *error = fmt::format(tr(lang, "неверная дата «{}»: ожидается ГГГГ-ММ-ДД", "bad date '{}': expected YYYY-MM-DD"),
                       escape_controls(v));
  return false;
}

bool read_filter(const po::variables_map& vm, const std::string& lang, CallFilter* f, std::string* error) {
  auto get = [&](const char* name) { return vm.count(name) ? vm[name].as<std::string>() : std::string(); };
  f->since = get("since");
  f->until = get("until");
  f->operator_name = get("operator");
  f->case_id = get("case");
  f->outcome = get("outcome");
  if (!check_day(f->since, lang, error) || !check_day(f->until, lang, error)) return false;
  if (vm.count("status")) {
    f->status = parse_call_status(get("status"));
    if (!f->status) {
      *error = fmt::format(tr(lang, "неверный статус «{}»: ожидается open, completed или aborted",
                              "bad status '{}': expected open, completed or aborted"),
                           escape_controls(get("status")));
      return false;
    }
  }
  if (vm.count("limit")) {
    long long n = vm["limit"].as<long long>();
    if (n < 0) {
      *error = tr(lang, "--limit не может быть отрицательным", "--limit cannot be negative");
      return false;
    }
    f->limit = n;
  }
  return true;
}

std::string format_local_time(TimeMs t) { return format_local(t, "%Y-%m-%d %H:%M:%S"); }

std::string format_duration(double seconds, const std::string& lang) {
  long long s = static_cast<long long>(seconds + 0.5);
  if (s < 60) return fmt::format("{} {}", s, tr(lang, "с", "s"));
  return fmt::format("{} {} {:02} {}", s / 60, tr(lang, "мин", "min"), s % 60, tr(lang, "с", "s"));
}

const char* status_text(CallStatus status, const std::string& lang) {
  switch (status) {
    case CallStatus::Open: return tr(lang, "открыт", "open");
    case CallStatus::Completed: return tr(lang, "завершён", "completed");
    case CallStatus::Aborted: return tr(lang, "прерван", "aborted");
  }
  return "";
}

std::string pad(const std::string& s, std::size_t width) {
  std::size_t w = display_width(s);
  return w >= width ? s : s + std::string(width - w, ' ');
}

std::string pad_left(const std::string& s, std::size_t width) {
  std::size_t w = display_width(s);
  return w >= width ? s : std::string(width - w, ' ') + s;
}

Expected<std::size_t> print_callbacks(CallLog& log, CallFilter filter, const std::string& lang) {
  filter.callbacks = true;
  filter.limit = 0;
  auto calls = log.list_calls(filter);
  if (!calls) return calls.status();
  if (calls->empty()) return std::size_t{0};
  std::sort(calls->begin(), calls->end(),
            [](const CallRecord& a, const CallRecord& b) { return a.callback_due.value_or(0) < b.callback_due.value_or(0); });
  TimeMs now = now_ms();
  fmt::print("\n{} ({}):\n", tr(lang, "Обещанные обратные звонки", "Callbacks promised"), calls->size());
  for (const CallRecord& c : *calls) {
    TimeMs due = c.callback_due.value_or(0);
    fmt::print("  №{} · {} {} · {} · {}{}\n", c.id, tr(lang, "до", "by"), format_local_time(due).substr(0, 16),
               escape_controls(c.callback_hint), escape_controls(c.callback_window),
               due < now ? tr(lang, " · ПРОСРОЧЕН", " · OVERDUE") : "");
  }
  return calls->size();
}

}  // namespace triage::cli
