// Reading a JSON document while collecting every problem: each accessor checks type and units,
// records an error at its JSON pointer ("/replication/replicas/1/mode: expected one of ...,
// found 'semi'") instead of throwing, and writes the value it used (given or default) into the
// resolved document. finish() reports keys nobody asked for.
//
//   Problems problems;
//   ObjectReader top(doc, "", problems, resolved);
//   double horizon_s = top.duration("horizon", Need::kRequired).value_or(0);
//   top.finish();
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "durasim/core/distribution.hpp"

namespace durasim {

using Json = nlohmann::ordered_json;

struct Problem {
  std::string path;  // JSON pointer
  std::string message;
};

// At most kMaxListed problems are kept (a file of a million bad entries must not print a
// million lines); list() then ends with one that says how many more there were.
class Problems {
 public:
  static constexpr std::size_t kMaxListed = 100;

  void add(std::string path, std::string message);
  bool empty() const { return count_ == 0; }
  std::size_t count() const { return count_; }
  std::vector<Problem> list() const;

 private:
  std::vector<Problem> list_;
  std::size_t count_ = 0;
};

// A default value given as the text a user would write ("1d", "200MB/s").
struct Default {
  const char* text;
};
enum class Need : std::uint8_t { kRequired, kOptional };

// Describes the JSON type of a value for messages: "a string", "the number 5", ...
std::string describe(const Json& value);
std::string pointer_join(const std::string& base, const std::string& key);
// The known key closest to a misspelt one ("rack" -> "racks"), when one is close enough: at
// most max(2, length / 3) edits away.
std::optional<std::string> closest_key(const std::string& key, const std::set<std::string>& known);

class ObjectReader {
 public:
  // `in` may be null (an absent optional object): then every accessor yields its default.
  ObjectReader(const Json* in, std::string path, Problems& problems, Json& out);

  const std::string& path() const { return path_; }
  bool has(const std::string& key) const;

  std::optional<std::string> string(const std::string& key, Need need,
                                    const char* fallback = nullptr);
  std::optional<std::string> one_of(const std::string& key, const std::vector<std::string>& options,
                                    Need need, const char* fallback = nullptr);
  std::optional<std::uint64_t> integer(const std::string& key, std::uint64_t min, std::uint64_t max,
                                       Need need,
                                       std::optional<std::uint64_t> fallback = std::nullopt);
  std::optional<double> number(const std::string& key, double min, double max, Need need,
                               std::optional<double> fallback = std::nullopt);
  std::optional<double> duration(const std::string& key, Need need,
                                 std::optional<Default> fallback = {});
  std::optional<double> size(const std::string& key, Need need,
                             std::optional<Default> fallback = {});
  std::optional<double> rate(const std::string& key, Need need,
                             std::optional<Default> fallback = {});
  std::optional<double> bandwidth(const std::string& key, Need need,
                                  std::optional<Default> fallback = {});
  std::optional<Distribution> distribution(const std::string& key, Quantity q, Need need,
                                           std::optional<Default> fallback = {});
  // A nested object; when absent and optional, a reader over nothing (defaults apply).
  std::optional<ObjectReader> object(const std::string& key, Need need);
  // Elements of an array of objects; empty when absent.
  std::vector<ObjectReader> objects(const std::string& key, Need need, std::size_t min_items = 0);
  // Raw access for the few polymorphic values (e.g. ack: "all_sync" | {"quorum": k}).
  const Json* raw(const std::string& key);
  void put(const std::string& key, Json value) { (*out_)[key] = std::move(value); }
  Json& out() { return *out_; }
  Problems& problems() { return *problems_; }

  // Marks keys as known without reading them: their meaning depends on a field already
  // reported as wrong, so they must not also be called unknown.
  void skip(std::initializer_list<const char*> keys);
  void finish();

 private:
  const Json* take(const std::string& key, Need need, const char* expected);
  template <typename Parse>
  std::optional<double> unit_value(const std::string& key, Need need,
                                   std::optional<Default> fallback, const char* expected,
                                   Parse parse);

  const Json* in_;
  std::string path_;
  Problems* problems_;
  Json* out_;
  std::set<std::string> seen_;
};

}  // namespace durasim
