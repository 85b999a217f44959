#include "durasim/scenario/reader.hpp"

#include <algorithm>
#include <cmath>

#include "durasim/core/units.hpp"

namespace durasim {

void Problems::add(std::string path, std::string message) {
  if (++count_ <= kMaxListed)
    list_.push_back({path.empty() ? "/" : std::move(path), std::move(message)});
}

std::vector<Problem> Problems::list() const {
  std::vector<Problem> out = list_;
  if (count_ > kMaxListed) {
    out.push_back({"/", "and " + std::to_string(count_ - kMaxListed) +
                            " more problem(s), not listed (only the first " +
                            std::to_string(kMaxListed) + " are)"});
  }
  return out;
}

std::string describe(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::boolean:
      return std::string("the boolean ") + (v.get<bool>() ? "true" : "false");
    case Json::value_t::string:
      return "the string '" + v.get<std::string>() + "'";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      return "the number " + v.dump();
    case Json::value_t::object:
      return "an object";
    case Json::value_t::array:
      return "an array";
    default:
      return "an unsupported value";
  }
}

std::string pointer_join(const std::string& base, const std::string& key) {
  std::string escaped;
  for (const char c : key) {
    if (c == '~')
      escaped += "~0";
    else if (c == '/')
      escaped += "~1";
    else
      escaped += c;
  }
  return base + "/" + escaped;
}

ObjectReader::ObjectReader(const Json* in, std::string path, Problems& problems, Json& out)
    : in_(in), path_(std::move(path)), problems_(&problems), out_(&out) {
  if (!out_->is_object()) *out_ = Json::object();
}

bool ObjectReader::has(const std::string& key) const {
  return in_ && in_->contains(key);
}

const Json* ObjectReader::take(const std::string& key, Need need, const char* expected) {
  seen_.insert(key);
  if (!has(key)) {
    if (need == Need::kRequired)
      problems_->add(pointer_join(path_, key), std::string("missing; expected ") + expected);
    return nullptr;
  }
  return &in_->at(key);
}

const Json* ObjectReader::raw(const std::string& key) {
  seen_.insert(key);
  return has(key) ? &in_->at(key) : nullptr;
}

std::optional<std::string> ObjectReader::string(const std::string& key, Need need,
                                                const char* fallback) {
  const Json* v = take(key, need, "a string");
  if (!v) {
    if (!fallback) return std::nullopt;
    put(key, fallback);
    return std::string(fallback);
  }
  if (!v->is_string()) {
    problems_->add(pointer_join(path_, key), "expected a string, found " + describe(*v));
    return std::nullopt;
  }
  put(key, *v);
  return v->get<std::string>();
}

std::optional<std::string> ObjectReader::one_of(const std::string& key,
                                                const std::vector<std::string>& options, Need need,
                                                const char* fallback) {
  std::string list;
  for (const auto& o : options) list += (list.empty() ? "'" : ", '") + o + "'";
  const Json* v = take(key, need, ("one of " + list).c_str());
  if (!v) {
    if (!fallback) return std::nullopt;
    put(key, fallback);
    return std::string(fallback);
  }
  if (v->is_string()) {
    for (const auto& o : options) {
      if (v->get<std::string>() == o) {
        put(key, o);
        return o;
      }
    }
  }
  problems_->add(pointer_join(path_, key), "expected one of " + list + ", found " + describe(*v));
  return std::nullopt;
}

std::optional<std::uint64_t> ObjectReader::integer(const std::string& key, std::uint64_t min,
                                                   std::uint64_t max, Need need,
                                                   std::optional<std::uint64_t> fallback) {
  const Json* v = take(key, need, "an integer");
  if (!v) {
    if (fallback) put(key, *fallback);
    return fallback;
  }
  const std::string range = "an integer from " + std::to_string(min) + " to " + std::to_string(max);
  if (!v->is_number_integer() ||
      (v->is_number_integer() && !v->is_number_unsigned() && v->get<std::int64_t>() < 0)) {
    problems_->add(pointer_join(path_, key), "expected " + range + ", found " + describe(*v));
    return std::nullopt;
  }
  const auto x = v->get<std::uint64_t>();
  if (x < min || x > max) {
    problems_->add(pointer_join(path_, key), "expected " + range + ", found " + describe(*v));
    return std::nullopt;
  }
  put(key, x);
  return x;
}

std::optional<double> ObjectReader::number(const std::string& key, double min, double max,
                                           Need need, std::optional<double> fallback) {
  const Json* v = take(key, need, "a number");
  if (!v) {
    if (fallback) put(key, *fallback);
    return fallback;
  }
  if (!v->is_number() || !(v->get<double>() >= min && v->get<double>() <= max)) {
    problems_->add(pointer_join(path_, key), "expected a number from " + Json(min).dump() + " to " +
                                                 Json(max).dump() + ", found " + describe(*v));
    return std::nullopt;
  }
  put(key, *v);
  return v->get<double>();
}

template <typename Parse>
std::optional<double> ObjectReader::unit_value(const std::string& key, Need need,
                                               std::optional<Default> fallback,
                                               const char* expected, Parse parse) {
  const Json* v = take(key, need, expected);
  const std::string text = v ? (v->is_string() ? v->get<std::string>() : std::string{})
                             : (fallback ? fallback->text : "");
  if (!v && !fallback) return std::nullopt;
  if (v && !v->is_string()) {
    problems_->add(pointer_join(path_, key), std::string("expected ") + expected +
                                                 " written as a string with its unit, found " +
                                                 describe(*v));
    return std::nullopt;
  }
  const Result<double> r = parse(text);
  if (!r) {
    problems_->add(pointer_join(path_, key), r.error());
    return std::nullopt;
  }
  put(key, text);
  return *r;
}

std::optional<double> ObjectReader::duration(const std::string& key, Need need,
                                             std::optional<Default> fallback) {
  return unit_value(key, need, fallback, "a duration such as '5ms' or '10y'",
                    parse_duration_seconds);
}
std::optional<double> ObjectReader::size(const std::string& key, Need need,
                                         std::optional<Default> fallback) {
  return unit_value(key, need, fallback, "a size such as '4KiB' or '2TB'", parse_size_bytes);
}
std::optional<double> ObjectReader::rate(const std::string& key, Need need,
                                         std::optional<Default> fallback) {
  return unit_value(key, need, fallback, "a rate such as '1000/s'", parse_rate_per_second);
}
std::optional<double> ObjectReader::bandwidth(const std::string& key, Need need,
                                              std::optional<Default> fallback) {
  return unit_value(key, need, fallback, "a bandwidth such as '200MB/s'",
                    parse_bandwidth_bytes_per_second);
}

std::optional<Distribution> ObjectReader::distribution(const std::string& key, Quantity q,
                                                       Need need, std::optional<Default> fallback) {
  const char* expected = q == Quantity::kDuration
                             ? "a duration or a distribution such as 'exponential(mean=3y)'"
                             : "a size or a distribution such as 'exponential(mean=1kB)'";
  const Json* v = take(key, need, expected);
  if (!v && !fallback) return std::nullopt;
  if (v && !v->is_string()) {
    problems_->add(pointer_join(path_, key),
                   std::string("expected ") + expected + ", found " + describe(*v));
    return std::nullopt;
  }
  const std::string text = v ? v->get<std::string>() : fallback->text;
  const Result<Distribution> d = Distribution::parse(text, q);
  if (!d) {
    problems_->add(pointer_join(path_, key), d.error());
    return std::nullopt;
  }
  put(key, text);
  return *d;
}

std::optional<ObjectReader> ObjectReader::object(const std::string& key, Need need) {
  const Json* v = take(key, need, "an object");
  Json& out = (*out_)[key];
  if (v && !v->is_object()) {
    problems_->add(pointer_join(path_, key), "expected an object, found " + describe(*v));
    return std::nullopt;
  }
  if (!v && need == Need::kRequired) return std::nullopt;
  return ObjectReader(v, pointer_join(path_, key), *problems_, out);
}

std::vector<ObjectReader> ObjectReader::objects(const std::string& key, Need need,
                                                std::size_t min_items) {
  const Json* v = take(key, need, "an array of objects");
  std::vector<ObjectReader> out;
  Json& arr = (*out_)[key];
  arr = Json::array();
  if (!v) return out;
  const std::string path = pointer_join(path_, key);
  if (!v->is_array()) {
    problems_->add(path, "expected an array of objects, found " + describe(*v));
    return out;
  }
  if (v->size() < min_items) {
    problems_->add(path, "expected at least " + std::to_string(min_items) + " element(s), found " +
                             std::to_string(v->size()));
  }
  for (std::size_t i = 0; i < v->size(); ++i) arr.push_back(Json::object());
  for (std::size_t i = 0; i < v->size(); ++i) {
    const Json& e = (*v)[i];
    const std::string p = path + "/" + std::to_string(i);
    if (!e.is_object()) {
      problems_->add(p, "expected an object, found " + describe(e));
      continue;
    }
    out.emplace_back(&e, p, *problems_, arr[i]);
  }
  return out;
}

void ObjectReader::skip(std::initializer_list<const char*> keys) {
  for (const char* k : keys) seen_.insert(k);
}

namespace {

// Levenshtein distance between short keys (insertions, deletions, substitutions).
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

}  // namespace

std::optional<std::string> closest_key(const std::string& key, const std::set<std::string>& known) {
  constexpr std::size_t kLongestCompared = 64;  // a long unknown key is no misspelling
  if (key.size() > kLongestCompared) return std::nullopt;
  std::optional<std::string> best;
  std::size_t best_distance = std::max<std::size_t>(2, key.size() / 3) + 1;
  for (const std::string& k : known) {
    const std::size_t d = edit_distance(key, k);
    if (d < best_distance) {
      best_distance = d;
      best = k;
    }
  }
  return best;
}

void ObjectReader::finish() {
  if (!in_ || !in_->is_object()) return;
  std::string known;
  for (const auto& k : seen_) known += (known.empty() ? "" : ", ") + k;
  for (auto it = in_->begin(); it != in_->end(); ++it) {
    if (seen_.contains(it.key())) continue;
    const std::optional<std::string> near = closest_key(it.key(), seen_);
    problems_->add(pointer_join(path_, it.key()),
                   "unknown key '" + it.key() + "'" +
                       (near ? "; did you mean '" + *near + "'? Expected" : "; expected") +
                       " one of: " + known);
  }
}

}  // namespace durasim
