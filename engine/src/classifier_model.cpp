#include "classifier_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>

namespace triage {
namespace {

constexpr const char* kMagic = "triage-classifier-model 1";
// Names of the scorer inputs in the file, in ScorerFeature order.
constexpr std::array<const char*, kScorerFeatures> kScorerNames = {
    "@confidence", "@off-topic", "@domain", "@nothing-picked"};

double sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }

std::vector<std::string_view> split(std::string_view line, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    std::size_t end = line.find(sep, start);
    out.push_back(line.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

// A weight as serialize() writes it: an optional '-', digits, optionally '.' and digits. Hand
// parsed: the model has some 20,000 of them and strtod-class parsing was most of its load time.
bool parse_double(std::string_view s, double* out) {
  std::size_t i = 0;
  bool negative = !s.empty() && s[0] == '-';
  if (negative) ++i;
  std::int64_t whole = 0, fraction = 0, scale = 1;
  std::size_t digits = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9' && digits < 12; ++i, ++digits) whole = whole * 10 + (s[i] - '0');
  if (digits == 0) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    std::size_t fdigits = 0;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9' && fdigits < 12; ++i, ++fdigits) {
      fraction = fraction * 10 + (s[i] - '0');
      scale *= 10;
    }
    if (fdigits == 0) return false;
  }
  if (i != s.size()) return false;
  double v = static_cast<double>(whole) + static_cast<double>(fraction) / static_cast<double>(scale);
  *out = negative ? -v : v;
  return true;
}

// Adam on one parameter vector (deterministic, full batch).
struct Adam {
  std::vector<double> m, v;
  explicit Adam(std::size_t n) : m(n, 0.0), v(n, 0.0) {}
  void step(std::vector<double>& x, const std::vector<double>& g, double rate, int t) {
    constexpr double kB1 = 0.9, kB2 = 0.999, kEps = 1e-8;
    double c1 = 1.0 - std::pow(kB1, t), c2 = 1.0 - std::pow(kB2, t);
    for (std::size_t i = 0; i < x.size(); ++i) {
      m[i] = kB1 * m[i] + (1 - kB1) * g[i];
      v[i] = kB2 * v[i] + (1 - kB2) * g[i] * g[i];
      x[i] -= rate * (m[i] / c1) / (std::sqrt(v[i] / c2) + kEps);
    }
  }
};

}  // namespace

CaseModel CaseModel::train(std::vector<std::string> cases, const std::vector<ModelExample>& data,
                           const ModelTraining& options) {
  const std::size_t nc = cases.size();
  // The vocabulary: terms of at least min_lines lines, in byte order (deterministic).
  std::map<std::string, std::size_t> counts;
  for (const auto& e : data) {
    for (const auto& t : e.terms) ++counts[t];
  }
  std::vector<std::string> vocab;
  for (const auto& [t, n] : counts) {
    if (n >= options.min_lines) vocab.push_back(t);
  }
  std::vector<std::vector<std::size_t>> lines(data.size());
  for (std::size_t n = 0; n < data.size(); ++n) {
    for (const auto& t : data[n].terms) {
      auto it = std::lower_bound(vocab.begin(), vocab.end(), t);
      if (it != vocab.end() && *it == t) lines[n].push_back(static_cast<std::size_t>(it - vocab.begin()));
    }
  }
  // Parameters of case c: bias at c, scorer weights at nc + c*K + k, term weights at
  // nc + nc*K + t*nc + c.
  const std::size_t k = kScorerFeatures;
  const std::size_t scorer_at = nc, terms_at = nc + nc * k;
  std::vector<double> x(terms_at + vocab.size() * nc, 0.0), g(x.size());
  Adam adam(x.size());
  const double inv = data.empty() ? 0.0 : 1.0 / static_cast<double>(data.size());
  for (int it = 1; it <= options.iterations; ++it) {
    std::fill(g.begin(), g.end(), 0.0);
    for (std::size_t n = 0; n < data.size(); ++n) {
      for (std::size_t c = 0; c < nc; ++c) {
        double z = x[c];
        for (std::size_t f = 0; f < k; ++f) z += x[scorer_at + c * k + f] * data[n].scorer[c][f];
        for (std::size_t t : lines[n]) z += x[terms_at + t * nc + c];
        double d = (sigmoid(z) - (data[n].expected[c] ? 1.0 : 0.0)) * inv;
        g[c] += d;
        for (std::size_t f = 0; f < k; ++f) g[scorer_at + c * k + f] += d * data[n].scorer[c][f];
        for (std::size_t t : lines[n]) g[terms_at + t * nc + c] += d;
      }
    }
    for (std::size_t i = scorer_at; i < x.size(); ++i) g[i] += options.l2 * x[i];
    adam.step(x, g, options.learning_rate, it);
  }
  CaseModel m;
  m.cases_ = std::move(cases);
  m.bias_.assign(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(nc));
  m.scorer_weights_.resize(nc);
  for (std::size_t c = 0; c < nc; ++c) {
    for (std::size_t f = 0; f < k; ++f) m.scorer_weights_[c][f] = x[scorer_at + c * k + f];
  }
  for (std::size_t t = 0; t < vocab.size(); ++t) {
    std::vector<std::pair<std::size_t, double>> row;
    for (std::size_t c = 0; c < nc; ++c) {
      double w = x[terms_at + t * nc + c];
      if (std::abs(w) >= options.prune) row.emplace_back(c, w);
    }
    if (!row.empty()) m.terms_.emplace(vocab[t], std::move(row));
  }
  return m;
}

std::string CaseModel::serialize(const std::vector<std::string>& header) const {
  std::string out;
  for (const auto& h : header) out += "# " + h + "\n";
  out += std::string(kMagic) + "\ncases";
  for (const auto& c : cases_) out += "\t" + c;
  out += "\nbias";
  // Four decimals: the file is reviewable and diffs stay small; the model's decisions do not
  // move at that precision.
  for (double b : bias_) out += fmt::format("\t{:.4f}", b);
  out += "\n";
  for (std::size_t f = 0; f < kScorerFeatures; ++f) {
    out += kScorerNames[f];
    for (const auto& w : scorer_weights_) out += fmt::format("\t{:.4f}", w[f]);
    out += "\n";
  }
  std::vector<const std::string*> names;
  for (const auto& [t, row] : terms_) names.push_back(&t);
  std::sort(names.begin(), names.end(), [](const auto* a, const auto* b) { return *a < *b; });
  for (const std::string* t : names) {
    out += *t;
    for (const auto& [c, w] : terms_.at(*t)) out += fmt::format("\t{}:{:.4f}", c, w);
    out += "\n";
  }
  return out;
}

Expected<CaseModel> CaseModel::parse(std::string_view text) {
  CaseModel m;
  std::size_t number = 0;
  std::size_t at = 0;
  auto fail = [&](const std::string& what) {
    return Status::error("model", fmt::format("line {}: {}", number, what));
  };
  bool magic = false;
  std::size_t scorer_rows = 0;
  m.terms_.reserve(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')));
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    std::string_view line = text.substr(at, end == std::string_view::npos ? end : end - at);
    at = end == std::string_view::npos ? text.size() : end + 1;
    ++number;
    if (line.empty() || line[0] == '#') continue;
    if (!magic) {
      if (line != kMagic) return fail(fmt::format("expected \"{}\"", kMagic));
      magic = true;
      continue;
    }
    std::vector<std::string_view> cells = split(line, '\t');
    if (cells[0] == "cases") {
      for (std::size_t i = 1; i < cells.size(); ++i) m.cases_.emplace_back(cells[i]);
      m.scorer_weights_.assign(m.cases_.size(), ScorerInputs{});
      continue;
    }
    const std::size_t nc = m.cases_.size();
    if (nc == 0) return fail("expected the \"cases\" line first");
    if (cells[0] == "bias" || cells[0][0] == '@') {
      if (cells.size() != nc + 1) return fail(fmt::format("expected {} weights", nc));
      std::vector<double> row(nc);
      for (std::size_t c = 0; c < nc; ++c) {
        if (!parse_double(cells[c + 1], &row[c])) return fail("expected a number");
      }
      if (cells[0] == "bias") {
        m.bias_ = std::move(row);
        continue;
      }
      auto name = std::find(kScorerNames.begin(), kScorerNames.end(), cells[0]);
      if (name == kScorerNames.end()) return fail("unknown scorer input " + std::string(cells[0]));
      for (std::size_t c = 0; c < nc; ++c) {
        m.scorer_weights_[c][static_cast<std::size_t>(name - kScorerNames.begin())] = row[c];
      }
      ++scorer_rows;
      continue;
    }
    std::vector<std::pair<std::size_t, double>> row;
    row.reserve(cells.size() - 1);
    for (std::size_t i = 1; i < cells.size(); ++i) {
      std::size_t colon = cells[i].find(':');
      std::size_t c = 0;
      double w = 0;
      std::string_view idx = cells[i].substr(0, colon);
      auto [ptr, ec] = std::from_chars(idx.data(), idx.data() + idx.size(), c);
      if (colon == std::string_view::npos || ec != std::errc() || ptr != idx.data() + idx.size() ||
          c >= nc || !parse_double(cells[i].substr(colon + 1), &w)) {
        return fail("expected case:weight");
      }
      row.emplace_back(c, w);
    }
    m.terms_.emplace(std::string(cells[0]), std::move(row));
  }
  if (!magic) return fail(fmt::format("expected \"{}\"", kMagic));
  if (m.bias_.size() != m.cases_.size() || scorer_rows != kScorerFeatures) {
    return fail("expected the bias line and every scorer input");
  }
  return m;
}

std::vector<double> CaseModel::probabilities(const std::vector<std::string>& terms,
                                             const std::vector<ScorerInputs>& scorer) const {
  std::vector<double> z = bias_;
  for (std::size_t c = 0; c < z.size(); ++c) {
    for (std::size_t f = 0; f < kScorerFeatures; ++f) z[c] += scorer_weights_[c][f] * scorer[c][f];
  }
  for (const auto& t : terms) {
    auto it = terms_.find(t);
    if (it == terms_.end()) continue;
    for (const auto& [c, w] : it->second) z[c] += w;
  }
  for (double& v : z) v = sigmoid(v);
  return z;
}

bool CaseModel::knows_any(const std::vector<std::string>& terms) const {
  return std::any_of(terms.begin(), terms.end(), [&](const std::string& t) { return terms_.count(t) != 0; });
}

double CaseModel::distance(const CaseModel& other) const {
  if (cases_ != other.cases_) return std::numeric_limits<double>::infinity();
  double d = 0;
  for (std::size_t c = 0; c < cases_.size(); ++c) {
    d = std::max(d, std::abs(bias_[c] - other.bias_[c]));
    for (std::size_t f = 0; f < kScorerFeatures; ++f) {
      d = std::max(d, std::abs(scorer_weights_[c][f] - other.scorer_weights_[c][f]));
    }
  }
  auto weight = [](const CaseModel& m, const std::string& t, std::size_t c) {
    auto it = m.terms_.find(t);
    if (it == m.terms_.end()) return 0.0;
    for (const auto& [i, w] : it->second) {
      if (i == c) return w;
    }
    return 0.0;
  };
  for (const CaseModel* m : {this, &other}) {
    for (const auto& [t, row] : m->terms_) {
      for (const auto& [c, w] : row) d = std::max(d, std::abs(weight(*this, t, c) - weight(other, t, c)));
    }
  }
  return d;
}

}  // namespace triage
