// `triage serve [--listen 127.0.0.1:8080] [--db FILE] [--rules DIR]`: the operator console in a
// browser (docs/web.md). Boost.Beast HTTP/1.1 on one io_context thread; WebConsole answers;
// password checks (Argon2id) run on a pool of two worker threads.
// Limits: request header 8 KiB, body 64 KiB, 15 s idle per connection, 1,024 connections. The
// supervisor board's event streams (BoardHub) are written asynchronously: an open one holds
// a socket, never a thread.
#include <fmt/format.h>

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <boost/program_options.hpp>
#include <sodium.h>
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <csignal>
#include <map>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "commands.h"
#include "common.h"
#include "config.h"
#include "session_cli.h"
#include "triage/web_store.h"
#include "web_console.h"

namespace po = boost::program_options;
namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace triage::cli {

namespace {

struct Limits {
  std::uint32_t header_bytes = 8 * 1024;
  std::uint64_t body_bytes = 64 * 1024;
  std::chrono::seconds idle{15};
  // Open connections at once. A browser keeps one or two keep-alive connections a console and
  // one for a board stream: 64 (the first limit) refused the 51st seat beside 20 boards
  // (bench/web_bench.py). Raised with the process's file limit at start-up (connection_limit).
  int max_connections = 1024;
};

// The connection limit the process's open-file limit allows: the soft limit is raised to the
// hard one (at most 8,192), and 64 descriptors are kept for the log, the rules and the rest.
int connection_limit(int wanted) {
  rlimit nofile{};
  if (getrlimit(RLIMIT_NOFILE, &nofile) != 0) return 64;
  rlim_t target = std::min<rlim_t>(nofile.rlim_max, 8192);
  if (nofile.rlim_cur < target) {
    rlimit raised = nofile;
    raised.rlim_cur = target;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) nofile = raised;
  }
  rlim_t usable = nofile.rlim_cur > 128 ? nofile.rlim_cur - 64 : 64;
  return static_cast<int>(std::min<rlim_t>(usable, static_cast<rlim_t>(wanted)));
}

const char* const kCsp =
    "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'";

// On every response, the event stream's included.
const std::pair<const char*, const char*> kSecureHeaders[] = {
    {"Content-Security-Policy", kCsp}, {"X-Content-Type-Options", "nosniff"}, {"X-Frame-Options", "DENY"},
    {"Referrer-Policy", "no-referrer"}, {"Cache-Control", "no-store"},   {"Server", "triage"}};

void secure_headers(http::response<http::string_body>& res) {
  for (const auto& [name, value] : kSecureHeaders) res.set(name, value);
}

// `html` as one server-sent event named "board" (a data line per line of text; CR, LF and CRLF
// all end a line in an event stream, so each is one here and no text can start a field).
std::shared_ptr<const std::string> board_event(const std::string& html) {
  auto out = std::make_shared<std::string>("event: board\n");
  std::size_t pos = 0;
  while (pos <= html.size()) {
    std::size_t end = html.find_first_of("\r\n", pos);
    if (end == std::string::npos) end = html.size();
    *out += "data: " + html.substr(pos, end - pos) + "\n";
    pos = end + (html.compare(end, 2, "\r\n") == 0 ? 2 : 1);
  }
  *out += "\n";
  return out;
}

class Connection;

// The open board streams. A tick each second writes the board to every stream when a call
// moved on this server, and every kRefresh anyway (durations; calls on terminals or other
// servers). One render per language a tick, however many boards watch; a stream still writing
// the previous event skips this one, so a slow reader holds no memory and stalls nobody.
class BoardHub {
 public:
  static constexpr std::chrono::seconds kTick{1};
  static constexpr std::chrono::seconds kRefresh{5};
  BoardHub(net::io_context& io, WebConsole& app) : timer_(io), app_(app) {}
  void add(const std::shared_ptr<Connection>& c);

 private:
  void tick();
  net::steady_timer timer_;
  WebConsole& app_;
  std::vector<std::weak_ptr<Connection>> streams_;
  bool ticking_ = false;
  std::uint64_t seen_changes_ = 0;
  std::chrono::steady_clock::time_point sent_{};
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  // `live` counts the open connections; shared, because handlers still queued when the server
  // stops are destroyed with the io_context, after the Listener that counts them.
  Connection(tcp::socket socket, WebConsole& app, BoardHub& hub, net::thread_pool& workers, const Limits& limits,
             std::shared_ptr<int> live)
      : stream_(std::move(socket)), app_(app), hub_(hub), workers_(workers), limits_(limits), live_(std::move(live)) {
    ++*live_;
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    address_ = ec ? "?" : ep.address().to_string();
  }
  ~Connection() { --*live_; }

  void read() {
    parser_.emplace();
    parser_->header_limit(limits_.header_bytes);
    parser_->body_limit(limits_.body_bytes);
    stream_.expires_after(limits_.idle);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

 private:
  void on_read(beast::error_code ec) {
    if (ec == http::error::body_limit) return refuse(http::status::payload_too_large, "body too large");
    if (ec == http::error::header_limit) return refuse(http::status::request_header_fields_too_large, "header too large");
    if (ec) return close();  // end of stream, idle timeout (slowloris), bad request
    const auto& req = parser_->get();
    WebRequest in{std::string(req.method_string()), std::string(req.target()),
                  std::string(req[http::field::cookie]), req.body(), address_};
    WebResponse out = app_.handle(in);
    if (out.password_check) return check_password(std::move(in), std::move(out.password_check));
    respond(in, std::move(out), req.keep_alive());
  }

  // Argon2id off the io thread: the check runs on the worker pool, the rest of the sign-in back
  // on the io thread (WebConsole is single-threaded). Other seats are served meanwhile.
  void check_password(WebRequest in, std::shared_ptr<PasswordCheck> check) {
    bool keep_alive = parser_->get().keep_alive();
    net::post(workers_, [self = shared_from_this(), in = std::move(in), check, keep_alive]() mutable {
      bool ok = verify_password(check->password, check->hash);
      sodium_memzero(check->password.data(), check->password.size());
      net::post(self->stream_.get_executor(), [self, in = std::move(in), check, ok, keep_alive] {
        self->respond(in, self->app_.finish_login(in, *check, ok), keep_alive);
      });
    });
  }

  void respond(const WebRequest& in, WebResponse out, bool keep_alive) {
    fmt::print(stderr, "{} {} {} {}\n", address_, in.method, in.target.substr(0, in.target.find('?')), out.status);
    if (out.event_stream) return start_stream(out, in.cookie);
    res_ = {};
    res_.result(static_cast<unsigned>(out.status));
    res_.version(11);
    secure_headers(res_);
    res_.set(http::field::content_type, out.content_type);
    for (const auto& [name, value] : out.headers) res_.insert(name, value);
    res_.body() = std::move(out.body);
    res_.keep_alive(keep_alive);
    res_.prepare_payload();
    write();
  }

  void refuse(http::status status, const char* why) {
    fmt::print(stderr, "{} refused: {}\n", address_, why);
    res_ = {};
    res_.result(status);
    res_.version(11);
    secure_headers(res_);
    res_.set(http::field::content_type, "text/plain; charset=utf-8");
    res_.body() = std::string(why) + "\n";
    res_.keep_alive(false);
    res_.prepare_payload();
    write();
  }

  void write() {
    stream_.expires_after(limits_.idle);
    http::async_write(stream_, res_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (!ec && self->res_.keep_alive()) return self->read();
      self->close();
    });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
  }

 public:
  const std::string& stream_lang() const { return stream_lang_; }
  const std::string& stream_cookie() const { return stream_cookie_; }
  void end_stream() {
    if (closed_) return;
    closed_ = true;
    close();
  }
  bool streaming() const { return streaming_ && !closed_; }
  // Writes one event unless the previous one is still on its way (then this one is skipped).
  void push(std::shared_ptr<const std::string> event) {
    if (writing_ || closed_) return;
    writing_ = true;
    net::async_write(stream_, net::buffer(*event), [self = shared_from_this(), event](beast::error_code ec, std::size_t) {
      self->writing_ = false;
      if (ec) self->end_stream();
    });
  }

 private:
  // The response head of an event stream, then its first event; the stream stays open with no
  // idle limit and is registered with the hub. Reading on tells when the browser goes away.
  void start_stream(const WebResponse& out, const std::string& cookie) {
    streaming_ = true;
    stream_lang_ = out.stream_lang;
    stream_cookie_ = cookie;
    stream_.expires_never();
    auto headers = std::make_shared<std::string>("HTTP/1.1 200 OK\r\nContent-Type: " + out.content_type + "\r\n");
    for (const auto& [name, value] : kSecureHeaders) *headers += std::string(name) + ": " + value + "\r\n";
    *headers += "Connection: keep-alive\r\nX-Accel-Buffering: no\r\n\r\n" + *board_event(out.body);
    push(headers);
    hub_.add(shared_from_this());
    watch();
  }

  void watch() {
    stream_.socket().async_read_some(net::buffer(sink_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->end_stream();
      self->watch();  // a browser sends nothing more on an event stream; whatever comes is dropped
    });
  }


  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> res_;
  WebConsole& app_;
  BoardHub& hub_;
  net::thread_pool& workers_;
  const Limits& limits_;
  std::shared_ptr<int> live_;
  std::string address_;
  bool streaming_ = false, writing_ = false, closed_ = false;
  std::string stream_lang_, stream_cookie_;
  std::array<char, 512> sink_{};
};

void BoardHub::add(const std::shared_ptr<Connection>& c) {
  streams_.push_back(c);
  if (ticking_) return;
  ticking_ = true;
  seen_changes_ = app_.changes();
  sent_ = std::chrono::steady_clock::now();
  tick();
}

void BoardHub::tick() {
  timer_.expires_after(kTick);
  timer_.async_wait([this](beast::error_code ec) {
    if (ec) return;
    streams_.erase(std::remove_if(streams_.begin(), streams_.end(),
                                  [](const std::weak_ptr<Connection>& w) {
                                    auto c = w.lock();
                                    return !c || !c->streaming();
                                  }),
                   streams_.end());
    if (streams_.empty()) {
      ticking_ = false;
      return;
    }
    auto now = std::chrono::steady_clock::now();
    if (app_.changes() != seen_changes_ || now - sent_ >= kRefresh) {
      seen_changes_ = app_.changes();
      sent_ = now;
      std::map<std::string, std::shared_ptr<const std::string>> by_lang;
      for (const auto& w : streams_) {
        auto c = w.lock();
        if (!app_.board_allowed(c->stream_cookie())) {  // signed out, expired, role changed
          c->end_stream();
          continue;
        }
        auto& event = by_lang[c->stream_lang()];
        if (!event) event = board_event(app_.board_fragment(c->stream_lang()));
        c->push(event);
      }
    }
    tick();
  });
}

class Listener {
 public:
  Listener(net::io_context& io, tcp::endpoint ep, WebConsole& app, net::thread_pool& workers)
      : acceptor_(io, ep), app_(app), hub_(io, app), workers_(workers) {
    limits_.max_connections = connection_limit(limits_.max_connections);
  }
  int max_connections() const { return limits_.max_connections; }
  void accept() {
    acceptor_.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (!ec) {
        if (*live_ >= limits_.max_connections) {
          beast::error_code ignored;
          socket.close(ignored);
        } else {
          std::make_shared<Connection>(std::move(socket), app_, hub_, workers_, limits_, live_)->read();
        }
      }
      accept();
    });
  }
  unsigned short port() const { return acceptor_.local_endpoint().port(); }

 private:
  tcp::acceptor acceptor_;
  WebConsole& app_;
  BoardHub hub_;
  net::thread_pool& workers_;
  Limits limits_;
  std::shared_ptr<int> live_ = std::make_shared<int>(0);
};

bool parse_listen(const std::string& s, tcp::endpoint* ep) {
  auto colon = s.rfind(':');
  if (colon == std::string::npos) return false;
  beast::error_code ec;
  auto addr = net::ip::make_address(s.substr(0, colon), ec);
  char* end = nullptr;
  unsigned long port = std::strtoul(s.c_str() + colon + 1, &end, 10);
  if (ec || *end != '\0' || port > 65535) return false;
  *ep = tcp::endpoint(addr, static_cast<unsigned short>(port));
  return true;
}

}  // namespace

int cmd_serve(int argc, char** argv) {
  std::string lang = interface_language("");
  std::string listen = "127.0.0.1:8080", db, rules_dir = default_rules_folder(), lang_flag;
  bool behind_tls = false;
  po::options_description opts(tr(lang, "Параметры", "Options"));
  opts.add_options()
      ("help,h", tr(lang, "эта справка", "this help"))
      ("listen", po::value(&listen), tr(lang, "адрес:порт (127.0.0.1:8080; порт 0 — любой свободный)",
                                        "address:port (127.0.0.1:8080; port 0 picks a free one)"))
      ("db", po::value(&db), tr(lang, "журнал: файл SQLite", "log: a SQLite file"))
      ("rules", po::value(&rules_dir), tr(lang, "папка правил", "rules folder"))
      ("behind-tls", po::bool_switch(&behind_tls),
       tr(lang, "за обратным прокси с TLS: cookie с флагом Secure", "behind a TLS reverse proxy: Secure cookies"))
      ("lang", po::value(&lang_flag), "ru | en");
  po::variables_map vm;
  if (!parse_command_line("serve", argc, argv, opts, nullptr, vm)) return kExitUsage;
  lang = interface_language(lang_flag);
  if (vm.count("help")) {
    print_help(lang, "triage serve [--listen 127.0.0.1:8080] [--db FILE] [--rules DIR] [--behind-tls]",
               "Консоль оператора в браузере. Учётные записи создаёт triage user add.",
               "The operator console in a browser. triage user add creates the accounts.", opts);
    return kExitOk;
  }
  tcp::endpoint ep;
  if (!parse_listen(listen, &ep)) {
    fmt::print(stderr, "triage serve: --listen {}: {}\n", listen, tr(lang, "нужно адрес:порт", "expected address:port"));
    return kExitUsage;
  }
  int rc = 0;
  auto rules = load_checked_rules("serve", rules_dir, lang, rc);
  if (!rules) return rc;
  WebDb w = open_web_db(db, lang, "triage serve");
  if (!w.store) return kExitUsage;
  WebConsole::Options options;
  options.lang = lang;
  options.secure_cookie = behind_tls;
  WebConsole app(rules, std::move(w), options);
  net::io_context io(1);
  // Password checks (Argon2id, 64 MiB each): two at a time, beside the io thread.
  net::thread_pool workers(2);
  try {
    Listener listener(io, ep, app, workers);
    listener.accept();
    net::signal_set stop(io, SIGINT, SIGTERM);
    stop.async_wait([&io](beast::error_code, int) { io.stop(); });
    fmt::print(stderr, "triage serve: http://{}:{}/\n", ep.address().to_string(), listener.port());
    std::fflush(stderr);
    io.run();
    workers.join();
  } catch (const std::exception& ex) {
    fmt::print(stderr, "triage serve: {}: {}\n", listen, ex.what());
    return kExitUsage;
  }
  return kExitOk;
}

}  // namespace triage::cli
